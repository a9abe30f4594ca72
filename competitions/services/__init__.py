"""Competition services (the contract in DESIGN.md's competitions notes).

Importing the package connects the standings receiver to graded attempts, the round start
guard and the deactivation hook, so any entry point that uses the services has them.
"""

from competitions.services import integrity, registration, standings  # noqa: F401

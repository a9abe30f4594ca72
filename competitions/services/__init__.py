"""Competition services (the contract in DESIGN.md's competitions notes).

Importing the package connects the standings receiver to graded attempts, the round start
guard, the rounds' owner (back links, review held until the end) and the deactivation hook, so
any entry point that uses the services has them.
"""

from competitions.services import integrity, registration, round_owner, standings  # noqa: F401

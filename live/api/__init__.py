"""JSON API of live hosted sessions (issue 16 section 4), on the services the pages use.

Players may be guests (no account): the routes phones use are open to anyone and check the
viewer themselves (:mod:`live.viewer`); a session a viewer has no part in answers 404.
"""

from live import channels  # noqa: F401 - registers the push tier's "live" channels
from live.api import host, players, sessions
from live.api.blueprint import bp

__all__ = ["bp", "host", "players", "sessions"]

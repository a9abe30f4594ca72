"""Live leaderboards: server-sent events, the polling fallback and the big-screen display."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competition_live", __name__)

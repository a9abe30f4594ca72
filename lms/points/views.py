"""Study points pages: my points, points leaderboards, admins' manual adjustments and caps."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("points", __name__)

"""JSON API for competitions and leaderboards (DESIGN.md section 6)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competitions_api", __name__)

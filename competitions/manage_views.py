"""Organizer pages: building, running and publishing competitions, disqualifying entries."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("competition_manage", __name__, url_prefix="/manage/competitions")

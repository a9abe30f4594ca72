"""JSON API for study points (DESIGN.md section 6)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("points_api", __name__)

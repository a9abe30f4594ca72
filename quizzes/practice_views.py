"""Practice, the daily quiz (每日答题) and the wrong-answer notebook (错题本)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("practice", __name__)

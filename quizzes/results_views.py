"""Organizer pages after the fact: results, exports, statistics, manual grading, regrading."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quiz_results", __name__, url_prefix="/manage/quizzes")

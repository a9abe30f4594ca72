"""Organizer pages: building quizzes from the bank, publishing them, attaching them to courses."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quiz_manage", __name__, url_prefix="/manage/quizzes")

"""JSON API for quizzes and attempts (DESIGN.md section 6), with exactly the rules of the pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("quizzes_api", __name__)

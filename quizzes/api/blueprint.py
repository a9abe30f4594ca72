"""The quizzes API blueprint, mounted at /api/v1."""

from flask import Blueprint

bp = Blueprint("quizzes_api", __name__)

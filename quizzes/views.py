"""Member pages: the quizzes a member may take, the start page, the attempt, the review."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, url_for

from lms.accounts import permissions
from quizzes.services.authoring import quiz_of_item

bp = Blueprint("quizzes", __name__)


@bp.route("/quizzes/item/<int:item_id>")
@permissions.authenticated
def course_item(item_id: int) -> Any:
    """A quiz inside a course: its start page."""
    quiz = quiz_of_item(item_id)
    if quiz is None:
        abort(404)
    return redirect(url_for("quizzes.start_page", quiz_id=quiz.id))

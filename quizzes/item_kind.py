"""The quiz kind of course item: its page is the quiz's start page; the courses API adds one by
naming the quiz (``{"kind": "quiz", "quiz_id": ...}``)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courses.item_kinds import ItemKind, register
from courses.models import CourseItem, CourseModule
from lms.accounts.models import User
from lms.core.errors import PermissionDeniedError, ValidationError
from lms.core.extensions import db
from quizzes.models import Quiz
from quizzes.permissions import can_manage_quiz
from quizzes.services.authoring import attach_to_module


def add_quiz_item(module: CourseModule, data: dict[str, Any], user: User) -> CourseItem:
    quiz_id = data.get("quiz_id")
    if not isinstance(quiz_id, int) or isinstance(quiz_id, bool):
        raise ValidationError(
            _("Name the quiz: “quiz_id” must be a whole number."), field="quiz_id"
        )
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise ValidationError(_("There is no quiz #%(id)s.", id=quiz_id), field="quiz_id")
    if not can_manage_quiz(user, quiz):
        raise PermissionDeniedError(_("You may not add this quiz to a course."))
    attach_to_module(quiz, module)
    return db.session.get(CourseItem, quiz.item_id)


QUIZ = register(
    ItemKind(
        "quiz",
        _l("Quiz"),
        "📝",
        completed_by_reading=False,
        endpoint="quizzes.course_item",
        edit_endpoint="quiz_manage.for_item",
        create=add_quiz_item,
    )
)

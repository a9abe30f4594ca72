"""Who may manage, take and see quizzes and attempts."""

from __future__ import annotations

from typing import Any

from lms.accounts.models import Role, User
from quizzes.models import Attempt, Quiz


def can_manage_quizzes(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        Role.ORGANIZER, Role.ADMIN
    )


def can_manage_quiz(user: User | Any, quiz: Quiz) -> bool:
    return can_manage_quizzes(user)


def in_audience(user: User | Any, quiz: Quiz) -> bool:
    """True when the quiz is open to everyone or to the member's unit or a unit above it."""
    if not quiz.units:
        return True
    path = user.unit.path
    return any(path == unit.path or path.startswith(unit.path + "/") for unit in quiz.units)


def can_take_quiz(user: User | Any, quiz: Quiz) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return quiz.is_published and in_audience(user, quiz)


def can_see_attempt(user: User | Any, attempt: Attempt) -> bool:
    """The member who made it, and the quiz's managers; nobody else (they get a 404)."""
    if attempt.user_id == getattr(user, "id", None):
        return True
    return attempt.quiz is not None and can_manage_quiz(user, attempt.quiz)

"""Shared by the quizzes API handlers: reading JSON bodies (clear 400 and 422 answers) and
committing what a refused request must keep."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_babel import gettext as _

from lms.accounts.services.org_units import units_by_paths
from lms.core.api import (
    BadRequestError,
    optional_flag,
    require_moment,
    require_string,
    string_list,
)
from lms.core.errors import ConflictError, DomainError, ValidationError
from lms.core.extensions import db
from question_bank.services import categories
from quizzes.models import ReviewWhen
from quizzes.services.authoring import QuizSettings, SlotSpec


def _whole(data: dict[str, Any], key: str, default: int | None, *, nullable: bool = False) -> Any:
    value = data.get(key, default)
    if value is None and nullable:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadRequestError(_("“%(key)s” must be a whole number.", key=key), field=key)
    return value


def _number(data: dict[str, Any], key: str, default: float | None) -> Any:
    value = data.get(key, default)
    if value is None and default is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise BadRequestError(_("“%(key)s” must be a number.", key=key), field=key)
    return float(value)


def _text(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise BadRequestError(_("“%(key)s” must be a string.", key=key), field=key)
    return value


def _settings(data: dict[str, Any]) -> QuizSettings:
    review = _text(data, "review", str(ReviewWhen.AFTER_ATTEMPT)) if "review" in data else None
    defaults = QuizSettings(title="")
    return QuizSettings(
        title=require_string(data, "title", max_length=200),
        description_md=_text(data, "description", ""),
        time_limit_seconds=_whole(data, "time_limit_seconds", None, nullable=True),
        grace_seconds=_whole(data, "grace_seconds", defaults.grace_seconds),
        opens_at=require_moment(data, "opens_at", nullable=True),
        closes_at=require_moment(data, "closes_at", nullable=True),
        max_attempts=_whole(data, "max_attempts", defaults.max_attempts, nullable=True),
        grading=_text(data, "grading", defaults.grading),
        pass_percent=_number(data, "pass_percent", None),
        shuffle_questions=optional_flag(data, "shuffle_questions", defaults.shuffle_questions),
        shuffle_options=optional_flag(data, "shuffle_options", defaults.shuffle_options),
        one_per_page=optional_flag(data, "one_per_page", defaults.one_per_page),
        feedback=_text(data, "feedback", defaults.feedback),
        review_marks=_text(data, "review_marks", review or defaults.review_marks),
        review_answers=_text(data, "review_answers", review or defaults.review_answers),
        review_explanations=_text(
            data, "review_explanations", review or defaults.review_explanations
        ),
        units=units_by_paths(string_list(data, "units")),
    )


def _slot_spec(data: Any) -> SlotSpec:
    if not isinstance(data, dict):
        raise BadRequestError(_("A slot is an object."))
    mark = _number(data, "mark", 1.0)
    if "question_id" in data:
        return SlotSpec(mark=mark, question_id=_whole(data, "question_id", None))
    path = _text(data, "category", "")
    category = categories.by_path(path) if path.strip() else None
    if category is None:
        raise ValidationError(
            _("There is no category “%(path)s”.", path=path) if path.strip()
            else _("Give a question_id, or a category to draw from."),
            field="category",
        )  # fmt: skip
    kind = data.get("type")
    if kind is not None and not isinstance(kind, str):
        raise BadRequestError(_("“%(key)s” must be a string.", key="type"), field="type")
    return SlotSpec(
        mark=mark,
        category=category,
        include_subcategories=optional_flag(data, "include_subcategories", True),
        tags=tuple(string_list(data, "tags")),
        difficulty=_whole(data, "difficulty", None, nullable=True),
        type=kind,
        count=_whole(data, "count", 1),
    )


def _slots(data: dict[str, Any]) -> list[Any]:
    slots = data.get("slots")
    if not isinstance(slots, list) or not slots:
        raise BadRequestError(_("“slots” must be a non-empty list."), field="slots")
    return slots


@contextmanager
def _naming_slot(number: int) -> Iterator[None]:
    """Answer any refusal of one slot as a 422 that says which slot it was."""
    try:
        yield
    except DomainError as error:
        message = _("Slot %(n)d: %(message)s", n=number, message=error.message)
        raise ValidationError(message, field="slots", problems=[message]) from error


@contextmanager
def _committing_finalisation() -> Iterator[None]:
    """Roll back a refused request, except a 409: keep the grading of an attempt that the
    service finalised on the way (its time ran out) before it refused."""
    try:
        yield
    except ConflictError:
        db.session.commit()
        raise
    except DomainError:
        db.session.rollback()
        raise

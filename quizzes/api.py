"""JSON API for quizzes and attempts (DESIGN.md section 6), with exactly the rules of the pages.

Handlers parse, call the services and commit once. When a service finalised an attempt whose
time ran out and then refused the request (409), that finalisation is committed before the
refusal is answered: the attempt is graded as it stood, whichever request noticed it first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts import permissions
from lms.accounts.models import OrgUnit
from lms.accounts.services.org_units import unit_by_path
from lms.core.api import (
    BadRequestError,
    documented,
    iso,
    json_body,
    page_args,
    require_moment,
    require_string,
)
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, DomainError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.markup import render_markdown
from lms.core.sqlite import writes_on_get
from question_bank.services import categories
from quizzes.models import Attempt, Feedback, Grading, Quiz, QuizSlot, ReviewWhen
from quizzes.permissions import can_manage_quiz, in_audience
from quizzes.services import attempts, authoring, responses, timing
from quizzes.services.authoring import QuizSettings, SlotSpec
from quizzes.services.presentation import attempt_view, item_view
from quizzes.services.review import item_visibility, visibility

bp = Blueprint("quizzes_api", __name__)
TAGS = ("quizzes",)

WHEN = [str(w) for w in ReviewWhen]
SLOT_INPUT = {
    "type": "object",
    "description": "a fixed question {question_id, mark} or a draw {category, count, mark}",
    "properties": {
        "question_id": {"type": "integer"},
        "category": {"type": "string", "description": "category path"},
        "include_subcategories": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "difficulty": {"type": "integer", "minimum": 1, "maximum": 5},
        "type": {"type": "string"},
        "count": {"type": "integer"},
        "mark": {"type": "number"},
    },
}
QUIZ_INPUT = {
    "type": "object",
    "required": ["title", "slots"],
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string", "description": "Markdown"},
        "time_limit_seconds": {"type": "integer", "nullable": True},
        "grace_seconds": {"type": "integer"},
        "opens_at": {"type": "string", "format": "date-time", "nullable": True},
        "closes_at": {"type": "string", "format": "date-time", "nullable": True},
        "max_attempts": {"type": "integer", "nullable": True, "description": "null: unlimited"},
        "grading": {"type": "string", "enum": [str(g) for g in Grading]},
        "feedback": {"type": "string", "enum": [str(f) for f in Feedback]},
        "review": {"type": "string", "enum": WHEN, "description": "sets the three below"},
        "review_marks": {"type": "string", "enum": WHEN},
        "review_answers": {"type": "string", "enum": WHEN},
        "review_explanations": {"type": "string", "enum": WHEN},
        "shuffle_questions": {"type": "boolean"},
        "shuffle_options": {"type": "boolean"},
        "one_per_page": {"type": "boolean"},
        "pass_percent": {"type": "number", "nullable": True},
        "units": {"type": "array", "items": {"type": "string"}, "description": "unit paths"},
        "published": {"type": "boolean"},
        "slots": {"type": "array", "items": SLOT_INPUT},
    },
}
ATTEMPT_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "integer"},
        "state": {"type": "string", "enum": ["in_progress", "finished"]},
        "started_at": {"type": "string", "format": "date-time"},
        "deadline": {"type": "string", "format": "date-time", "nullable": True},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "score": {"type": "number", "description": "only when the review rules show marks"},
        "max_score": {"type": "number"},
    },
}
QUIZ_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "open", "attempts_used", "attempts_left", "attempts"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "description_html": {"type": "string"},
        "published": {"type": "boolean"},
        "time_limit_seconds": {"type": "integer", "nullable": True},
        "grace_seconds": {"type": "integer"},
        "opens_at": {"type": "string", "format": "date-time", "nullable": True},
        "closes_at": {"type": "string", "format": "date-time", "nullable": True},
        "max_attempts": {"type": "integer", "nullable": True},
        "grading": {"type": "string"},
        "feedback": {"type": "string"},
        "review": {"type": "object"},
        "question_count": {"type": "integer"},
        "total_marks": {"type": "number"},
        "open": {"type": "boolean"},
        "closed": {"type": "boolean"},
        "attempts_used": {"type": "integer"},
        "attempts_left": {"type": "integer", "nullable": True, "description": "null: unlimited"},
        "attempts": {"type": "array", "items": ATTEMPT_SUMMARY},
        "slots": {"type": "array", "items": SLOT_INPUT, "description": "managers only"},
    },
}
LIST_SCHEMA = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": QUIZ_SCHEMA},
        "total": {"type": "integer"},
    },
}
ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "slot": {"type": "integer"},
        "type": {"type": "string"},
        "stem_html": {"type": "string"},
        "options": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "text_html": {"type": "string"}},
            },
        },
        "blanks": {"type": "integer"},
        "left": {"type": "array", "items": {"type": "object"}},
        "right": {"type": "array", "items": {"type": "object"}},
        "answer": {"description": "the member's answer in this attempt's option ids"},
        "sequence": {"type": "integer"},
        "flagged": {"type": "boolean"},
    },
}
ATTEMPT_SCHEMA = {
    "type": "object",
    "required": ["id", "state", "deadline", "items"],
    "properties": {
        "id": {"type": "integer"},
        "quiz_id": {"type": "integer"},
        "state": {"type": "string", "enum": ["in_progress", "finished"]},
        "deadline": {"type": "string", "format": "date-time", "nullable": True},
        "accepts_until": {"type": "string", "format": "date-time", "nullable": True},
        "seconds_left": {"type": "integer", "nullable": True},
        "server_time": {"type": "string", "format": "date-time"},
        "score": {"type": "number", "description": "only when the review rules show marks"},
        "max_score": {"type": "number"},
        "items": {"type": "array", "items": ITEM_SCHEMA},
    },
}
ANSWER_INPUT = {
    "type": "object",
    "required": ["answer", "sequence"],
    "properties": {
        "answer": {
            "description": 'single_choice "optid"; multiple_choice ["optid"]; true_false '
            'bool; fill_blank ["text"] per blank; numerical number; matching '
            '{"leftid": "rightid"}; short_answer "text"; null clears'
        },
        "sequence": {"type": "integer", "minimum": 1},
    },
}
SAVED_SCHEMA = {
    "type": "object",
    "required": ["saved_at", "sequence", "stale"],
    "properties": {
        "saved_at": {"type": "string", "format": "date-time", "nullable": True},
        "sequence": {"type": "integer", "description": "the sequence now stored"},
        "stale": {"type": "boolean", "description": "a save with a higher sequence won"},
        "answer": {"description": "the answer now stored"},
    },
}
FLAG_INPUT = {"type": "object", "required": ["flagged"],
              "properties": {"flagged": {"type": "boolean"}}}  # fmt: skip


# -- reading the request ---------------------------------------------------------------------


def _flag(data: dict[str, Any], key: str, default: bool) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise BadRequestError(_("“%(key)s” must be true or false.", key=key), field=key)
    return value


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


def _strings(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequestError(_("“%(key)s” must be a list of strings.", key=key), field=key)
    return value


def _units(data: dict[str, Any]) -> list[OrgUnit]:
    units = []
    for path in _strings(data, "units"):
        unit = unit_by_path(path)
        if unit is None:
            raise ValidationError(_("There is no unit “%(path)s”.", path=path), field="units")
        units.append(unit)
    return units


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
        shuffle_questions=_flag(data, "shuffle_questions", defaults.shuffle_questions),
        shuffle_options=_flag(data, "shuffle_options", defaults.shuffle_options),
        one_per_page=_flag(data, "one_per_page", defaults.one_per_page),
        feedback=_text(data, "feedback", defaults.feedback),
        review_marks=_text(data, "review_marks", review or defaults.review_marks),
        review_answers=_text(data, "review_answers", review or defaults.review_answers),
        review_explanations=_text(
            data, "review_explanations", review or defaults.review_explanations
        ),
        units=_units(data),
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
        include_subcategories=_flag(data, "include_subcategories", True),
        tags=tuple(_strings(data, "tags")),
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


# -- shaping the answer ----------------------------------------------------------------------


def _attempt_summary(attempt: Attempt) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "id": attempt.id,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline_at),
        "submitted_at": iso(attempt.submitted_at),
        "finished_by": attempt.finished_by,
    }
    if visibility(attempt, current_user).marks:
        summary.update(score=attempt.score, max_score=attempt.max_score)
    return summary


def _slot_json(slot: QuizSlot) -> dict[str, Any]:
    if not slot.is_random:
        return {"id": slot.id, "question_id": slot.question_id, "mark": slot.mark}
    return {
        "id": slot.id,
        "category": slot.category.path if slot.category else None,
        "include_subcategories": slot.include_subcategories,
        "tags": list(slot.tags or []),
        "difficulty": slot.difficulty,
        "type": slot.type,
        "count": slot.count,
        "mark": slot.mark,
    }


def _quiz_json(quiz: Quiz, mine: list[Attempt]) -> dict[str, Any]:
    now = utcnow()
    body: dict[str, Any] = {
        "id": quiz.id,
        "title": quiz.title,
        "description_html": str(render_markdown(quiz.description_md)),
        "published": quiz.is_published,
        "time_limit_seconds": quiz.time_limit_seconds,
        "grace_seconds": quiz.grace_seconds,
        "opens_at": iso(quiz.opens_at),
        "closes_at": iso(quiz.closes_at),
        "max_attempts": quiz.max_attempts,
        "grading": quiz.grading,
        "feedback": quiz.feedback,
        "review": {
            "marks": quiz.review_marks,
            "answers": quiz.review_answers,
            "explanations": quiz.review_explanations,
        },
        "shuffle_questions": quiz.shuffle_questions,
        "shuffle_options": quiz.shuffle_options,
        "one_per_page": quiz.one_per_page,
        "pass_percent": quiz.pass_percent,
        "units": [unit.path for unit in quiz.units],
        "question_count": authoring.question_count(quiz),
        "total_marks": authoring.total_marks(quiz),
        "open": timing.is_open(quiz, now),
        "closed": timing.is_closed(quiz, now),
        "attempts_used": len(mine),
        "attempts_left": attempts.attempts_left(quiz, len(mine)),
        "in_progress_attempt_id": next((a.id for a in mine if not a.is_finished), None),
        "attempts": [_attempt_summary(attempt) for attempt in mine],
    }
    if can_manage_quiz(current_user, quiz):
        body["description"] = quiz.description_md
        body["slots"] = [_slot_json(slot) for slot in quiz.slots]
    return body


def _own_attempt(attempt_id: int) -> Attempt:
    """The current member's own attempt; anyone else's is a 404, managers' views included."""
    attempt = attempts.attempt_for(current_user, attempt_id)
    if attempt.user_id != current_user.id:
        raise NotFoundError(_("This attempt does not exist."))
    return attempt


# -- endpoints -------------------------------------------------------------------------------


@bp.route("/quizzes", methods=["POST"])
@permissions.staff
@documented("Create a quiz with its slots (organizers, admins); all or nothing",
            request_schema=QUIZ_INPUT, response_schema=QUIZ_SCHEMA, tags=TAGS)  # fmt: skip
def create_quiz() -> Any:
    data = json_body()
    with _committing_finalisation():
        settings = _settings(data)
        specs = []
        for number, raw in enumerate(_slots(data), start=1):
            with _naming_slot(number):
                specs.append(_slot_spec(raw))
        quiz = authoring.create_quiz(settings, created_by=current_user)
        for number, spec in enumerate(specs, start=1):
            with _naming_slot(number):
                authoring.add_slot(quiz, spec)
        if _flag(data, "published", False):
            authoring.set_published(quiz, True)
    db.session.commit()
    return jsonify(_quiz_json(quiz, [])), 201


@bp.route("/quizzes")
@permissions.authenticated
@documented("Quizzes the current user may take, with their attempts; paged",
            response_schema=LIST_SCHEMA, tags=TAGS)  # fmt: skip
def list_quizzes() -> Any:
    page, per_page = page_args()
    published = db.session.scalars(
        select(Quiz)
        .where(Quiz.is_published.is_(True))
        .options(selectinload(Quiz.units), selectinload(Quiz.slots))
        .order_by(Quiz.id.desc())
    ).all()
    takeable = [quiz for quiz in published if in_audience(current_user, quiz)]
    chosen = takeable[(page - 1) * per_page : page * per_page]
    mine: dict[int, list[Attempt]] = {quiz.id: [] for quiz in chosen}
    if chosen:
        for attempt in db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == current_user.id, Attempt.quiz_id.in_(list(mine)))
            .options(selectinload(Attempt.quiz))
            .order_by(Attempt.number)
        ):
            mine[attempt.quiz_id].append(attempt)
    return jsonify(
        {"items": [_quiz_json(quiz, mine[quiz.id]) for quiz in chosen], "total": len(takeable)}
    )


@bp.route("/quizzes/<int:quiz_id>")
@permissions.authenticated
@writes_on_get
@documented("A quiz's settings (never its answers), whether it is open, and the user's attempts",
            response_schema=QUIZ_SCHEMA, tags=TAGS)  # fmt: skip
def get_quiz(quiz_id: int) -> Any:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None or not can_manage_quiz(current_user, quiz):
        quiz = attempts.quiz_for(current_user, quiz_id)
    current = attempts.in_progress(current_user, quiz)
    if current is not None:
        attempts.finalise_if_overdue(current)
    db.session.commit()
    return jsonify(_quiz_json(quiz, attempts.attempts_of(current_user, quiz)))


@bp.route("/quizzes/<int:quiz_id>/attempts", methods=["POST"])
@permissions.authenticated
@documented("Start an attempt (201), or resume the one in progress (200)",
            response_schema=ATTEMPT_SCHEMA, tags=TAGS)  # fmt: skip
def start_attempt(quiz_id: int) -> Any:
    with _committing_finalisation():
        quiz = attempts.quiz_for(current_user, quiz_id)
        before = attempts.in_progress(current_user, quiz)
        attempt = attempts.start(current_user, quiz)
    db.session.commit()
    resumed = before is not None and before.id == attempt.id
    return jsonify(attempt_view(attempt, current_user)), 200 if resumed else 201


@bp.route("/attempts/<int:attempt_id>")
@permissions.authenticated
@writes_on_get
@documented("An attempt: marks, answers and explanations only as the review rules allow",
            response_schema=ATTEMPT_SCHEMA, tags=TAGS)  # fmt: skip
def get_attempt(attempt_id: int) -> Any:
    attempt = attempts.attempt_for(current_user, attempt_id)
    db.session.commit()
    return jsonify(attempt_view(attempt, current_user))


@bp.route("/attempts/<int:attempt_id>/answers/<int:slot>", methods=["PUT"])
@permissions.authenticated
@documented("Save the answer of one slot; a save with a lower sequence never overwrites "
            "(409 attempt_closed after the deadline and grace)",
            request_schema=ANSWER_INPUT, response_schema=SAVED_SCHEMA, tags=TAGS)  # fmt: skip
def save_answer(attempt_id: int, slot: int) -> Any:
    data = json_body()
    if "answer" not in data:
        raise BadRequestError(_("Send the answer, or null to clear it."), field="answer")
    sequence = data.get("sequence")
    if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 1:
        raise BadRequestError(_("“sequence” must be a positive whole number."), field="sequence")
    with _committing_finalisation():
        attempt = _own_attempt(attempt_id)
        item = attempts.save_answer(attempt, slot, data["answer"], sequence)
    db.session.commit()
    return jsonify(
        {
            "slot": item.slot,
            "saved_at": iso(item.saved_at),
            "sequence": item.sequence,
            "stale": item.sequence != sequence,
            "answer": responses.to_client(item, item.response),
        }
    )


@bp.route("/attempts/<int:attempt_id>/flags/<int:slot>", methods=["PUT"])
@permissions.authenticated
@documented("Flag a slot for review, or clear the flag", request_schema=FLAG_INPUT,
            response_schema=FLAG_INPUT, tags=TAGS)  # fmt: skip
def set_flag(attempt_id: int, slot: int) -> Any:
    data = json_body()
    if "flagged" not in data:
        raise BadRequestError(_("“%(key)s” must be true or false.", key="flagged"), field="flagged")
    flagged = _flag(data, "flagged", False)
    with _committing_finalisation():
        item = attempts.set_flag(_own_attempt(attempt_id), slot, flagged)
    db.session.commit()
    return jsonify({"slot": item.slot, "flagged": item.is_flagged})


@bp.route("/attempts/<int:attempt_id>/check/<int:slot>", methods=["POST"])
@permissions.authenticated
@documented("Immediate feedback: mark one answer now (it can no longer change)",
            response_schema=ITEM_SCHEMA, tags=TAGS)  # fmt: skip
def check_answer(attempt_id: int, slot: int) -> Any:
    with _committing_finalisation():
        attempt = _own_attempt(attempt_id)
        item = attempts.check(attempt, slot)
    db.session.commit()
    shown = item_visibility(attempt, item, visibility(attempt, current_user))
    return jsonify(item_view(attempt, item, shown))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@permissions.authenticated
@documented("Hand the attempt in; a second submit changes nothing",
            response_schema=ATTEMPT_SCHEMA, tags=TAGS)  # fmt: skip
def submit_attempt(attempt_id: int) -> Any:
    with _committing_finalisation():
        attempt = attempts.submit(_own_attempt(attempt_id))
    db.session.commit()
    return jsonify(attempt_view(attempt, current_user))

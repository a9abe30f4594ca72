"""Quiz endpoints: create (staff), list and read (members who may take them)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.accounts import permissions
from lms.core.api import (
    PAGING,
    documented,
    iso,
    json_body,
    optional_flag,
    page_args,
)
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.markup import render_markdown
from lms.core.sqlite import writes_on_get
from quizzes.api.blueprint import bp
from quizzes.api.common import (
    _committing_finalisation,
    _naming_slot,
    _settings,
    _slot_spec,
    _slots,
)
from quizzes.api.schemas import LIST_SCHEMA, QUIZ_INPUT, QUIZ_SCHEMA, TAGS
from quizzes.models import Attempt, Quiz, QuizSlot
from quizzes.permissions import can_manage_quiz, in_audience
from quizzes.services import attempts, authoring, timing
from quizzes.services.review import visibility

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


# -- endpoints -------------------------------------------------------------------------------


@bp.route("/quizzes", methods=["POST"])
@permissions.staff
@documented("Create a quiz with its slots (organizers, admins); all or nothing",
            request_schema=QUIZ_INPUT, response_schema=QUIZ_SCHEMA, tags=TAGS,
            status=201)  # fmt: skip
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
        if optional_flag(data, "published", False):
            authoring.set_published(quiz, True)
    db.session.commit()
    return jsonify(_quiz_json(quiz, [])), 201


@bp.route("/quizzes")
@permissions.authenticated
@documented("Quizzes the current user may take, with their attempts; paged",
            response_schema=LIST_SCHEMA, tags=TAGS, query=PAGING)  # fmt: skip
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

"""Attempt endpoints: start or resume, read, save answers, flag, check, submit."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.core.api import (
    BadRequestError,
    documented,
    iso,
    json_body,
    optional_flag,
)
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from lms.core.sqlite import writes_on_get
from quizzes.api.blueprint import bp
from quizzes.api.common import _committing_finalisation
from quizzes.api.schemas import (
    ANSWER_INPUT,
    ATTEMPT_SCHEMA,
    FLAG_INPUT,
    ITEM_SCHEMA,
    SAVED_SCHEMA,
    TAGS,
)
from quizzes.models import Attempt
from quizzes.services import answers, attempts, responses
from quizzes.services.presentation import attempt_view, item_view
from quizzes.services.review import item_visibility, visibility


def _own_attempt(attempt_id: int, *, with_items: bool = True) -> Attempt:
    """The current member's own attempt; anyone else's is a 404, managers' views included."""
    attempt = attempts.attempt_for(current_user, attempt_id, with_items=with_items)
    if attempt.user_id != current_user.id:
        raise NotFoundError(_("This attempt does not exist."))
    return attempt


@bp.route("/quizzes/<int:quiz_id>/attempts", methods=["POST"])
@permissions.authenticated
@documented("Start an attempt (201), or resume the one in progress (200)",
            response_schema=ATTEMPT_SCHEMA, tags=TAGS, status=(201, 200))  # fmt: skip
def start_attempt(quiz_id: int) -> Any:
    with _committing_finalisation():
        quiz = attempts.quiz_for(current_user, quiz_id)
        attempt, resumed = attempts.start_or_resume(current_user, quiz)
    body = attempt_view(attempt, current_user)  # before the commit, which would expire it
    pending = answers.slots_to_remember(attempt)
    db.session.commit()
    answers.remember_slots(pending)
    return jsonify(body), 200 if resumed else 201


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
        saved = answers.save_own_answer(current_user.id, attempt_id, slot, data["answer"], sequence)
    body = {
        "slot": saved.item.slot,
        "saved_at": iso(saved.saved_at),
        "sequence": saved.sequence,
        "stale": saved.sequence != sequence,
        "answer": responses.to_client(saved.item, saved.response),  # type: ignore[arg-type]
    }
    db.session.commit()
    return jsonify(body)


@bp.route("/attempts/<int:attempt_id>/flags/<int:slot>", methods=["PUT"])
@permissions.authenticated
@documented("Flag a slot for review, or clear the flag", request_schema=FLAG_INPUT,
            response_schema=FLAG_INPUT, tags=TAGS)  # fmt: skip
def set_flag(attempt_id: int, slot: int) -> Any:
    data = json_body()
    if "flagged" not in data:
        raise BadRequestError(_("“%(key)s” must be true or false.", key="flagged"), field="flagged")
    flagged = optional_flag(data, "flagged", False)
    with _committing_finalisation():
        item = answers.set_flag(_own_attempt(attempt_id), slot, flagged)
    db.session.commit()
    return jsonify({"slot": item.slot, "flagged": item.is_flagged})


@bp.route("/attempts/<int:attempt_id>/check/<int:slot>", methods=["POST"])
@permissions.authenticated
@documented("Immediate feedback: mark one answer now (it can no longer change)",
            response_schema=ITEM_SCHEMA, tags=TAGS)  # fmt: skip
def check_answer(attempt_id: int, slot: int) -> Any:
    with _committing_finalisation():
        attempt = _own_attempt(attempt_id)
        item = answers.check(attempt, slot)
    db.session.commit()
    shown = item_visibility(attempt, item, visibility(attempt, current_user))
    return jsonify(item_view(attempt, item, shown))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@permissions.authenticated
@documented("Hand the attempt in; a second submit changes nothing",
            response_schema=ATTEMPT_SCHEMA, tags=TAGS)  # fmt: skip
def submit_attempt(attempt_id: int) -> Any:
    with _committing_finalisation():
        # The items are read once, after the submit claims the attempt.
        attempt = attempts.submit(_own_attempt(attempt_id, with_items=False))
        body = attempt_view(attempt, current_user)  # before the commit, which would expire it
    db.session.commit()
    return jsonify(body)

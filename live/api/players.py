"""What phones send: an answer to the open question, a buzz."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_login import current_user

from live.api.access import guest_key, player_of_request
from live.api.blueprint import TAGS, bp
from live.api_schemas import (
    ACCEPTED,
    ANSWER_INPUT,
    BUZZED,
    INDEX_INPUT,
)
from live.models import Format
from live.services import answers, buzzer, stage
from lms.accounts import permissions
from lms.core.api import documented, iso, json_body
from lms.core.extensions import db

# -- players ---------------------------------------------------------------------------------


@bp.route("/live-sessions/<int:session_id>/answers", methods=["POST"])
@permissions.public
@documented(
    "Answer the open question once: 200 accepted with the server's receive time; 409 when the "
    "question is closed or already answered",
    request_schema=ANSWER_INPUT,
    response_schema=ACCEPTED,
    auth=False,
    tags=TAGS,
)
def answer(session_id: int) -> Any:
    data = json_body()
    index, given = data.get("index"), data.get("answer")
    stored = answers.submit_at_once(
        session_id,
        index,
        given,
        user_id=current_user.id if current_user.is_authenticated else None,
        guest_key=guest_key(session_id),
    )
    if stored is None:  # not the common case: the general path decides and explains
        session, player = player_of_request(session_id)
        if session.format == Format.STAGE:  # one answer per answering team, judged by judges
            stored = stage.answer_on_device(session, player, given, index)
        else:
            stored = answers.submit(session, player, index, given)
    db.session.commit()
    return jsonify(
        {"accepted": True, "received_at": iso(stored.received_at), "index": stored.index}
    )


@bp.route("/live-sessions/<int:session_id>/buzz", methods=["POST"])
@permissions.public
@documented(
    "Buzz on a buzzer question: order 1 wins; a buzz before buzzing opens is a foul",
    request_schema=INDEX_INPUT,
    response_schema=BUZZED,
    auth=False,
    tags=TAGS,
)
def buzz(session_id: int) -> Any:
    session, player = player_of_request(session_id)
    index = json_body().get("index")
    if session.format == Format.STAGE:  # fouls cost points, the first clean buzz takes the turn
        stored = stage.buzz(session, player, index)
    else:
        stored = buzzer.buzz(session, player, index)
    db.session.commit()
    return jsonify(
        {"order": stored.order, "foul": stored.is_foul, "received_at": iso(stored.received_at)}
    )

"""What the stage pages share: the live-follow data of a page, what the host's and the judges'
consoles show, and a JSON state answered with its ETag."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext as _

from live.models import LiveSession
from live.services import messages, stage_scoring, stage_state
from live.stage_forms import MarkForm, RiskForm
from lms.core import push
from question_bank.render import correct_answer_text

NUMBER_MARK, TOTAL_MARK = 900001, 900002  # numbers the screen's script replaces


def page_data(session: LiveSession) -> dict[str, Any]:
    return {
        "version": session.version,
        "state_url": url_for("live_stage.state", session_id=session.id),
        "subscribe_url": push.subscribe_url(messages.channel(session)),
    }


def console(session: LiveSession) -> dict[str, Any]:
    """What the host's and the judges' consoles show of the current question."""
    question = stage_scoring.current_question(session)
    turn = (
        stage_scoring.turn_of(session, question.index, create=False)
        if question is not None
        else None
    )
    return {
        "session": session,
        "settings": stage_scoring.settings_of(session),
        "question": question,
        "turn": turn,
        "view": stage_state.question_view(session, question) if question else None,
        "right_answer": correct_answer_text(question.version) if question else "",
        "marks": stage_scoring.mark_state(session, turn) if turn else None,
        "device": stage_state.device_answer(session, question) if question else None,
        "judges": stage_scoring.judges_of(session),
        "buzzes": stage_state.buzzes_of(session, question.index) if question else [],
        "winner": stage_state.buzz_winner(session, question.index) if question else None,
        "scores": stage_scoring.team_scores(session),
        "frozen": stage_scoring.is_frozen(session),
        "page": page_data(session),
        "mark_form": MarkForm(),
        "risk_form": RiskForm(),
    }


def conditional(data: dict[str, Any]) -> Response:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    response = Response(payload, mimetype="application/json")
    response.set_etag(hashlib.sha256(payload).hexdigest()[:32])
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def screen_words() -> dict[str, Any]:
    """The big screen's texts in the screen's language, with markers the script fills in."""
    return {
        "kinds": {
            "required": _("Required question"),
            "buzzer": _("Buzzer question"),
            "risk": _("Risk question"),
        },
        "answering": _("Answering: %(team)s", team="{team}"),
        "risk": _("Risk: %(n)d points", n=NUMBER_MARK),
        "answer": _("Right answer: %(answer)s", answer="{answer}"),
        "right": _("Marked right"),
        "wrong": _("Marked wrong"),
        "count": _("Question %(n)d of %(total)d", n=NUMBER_MARK, total=TOTAL_MARK),
        "winner": _("%(team)s buzzed first!", team="{team}"),
        "open": _("Buzz now!"),
        "ready": _("Get ready to buzz…"),
        "final": _("Final scores"),
        "welcome": _("Welcome! The competition starts soon."),
        "number_mark": str(NUMBER_MARK),
        "total_mark": str(TOTAL_MARK),
    }

"""What a stage session shows: the big screen's state (published on ``live-<id>`` and polled
as JSON), the buzzes of a question and their winner.

Nothing here reveals a right answer before the host shows it (state ``reveal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from live.models import (
    LiveAnswer,
    LiveBuzz,
    LivePlayer,
    LiveQuestion,
    LiveSession,
    LiveState,
    LiveTeam,
)
from live.services import questions, stage_scoring
from lms.core.extensions import db
from question_bank.render import correct_answer_text, option_html, stem_html
from question_bank.types import get_type

CHOICE_TYPES = ("single_choice", "multiple_choice")


def buzzes_of(session: LiveSession, index: int) -> list[LiveBuzz]:
    """A question's buzzes, fouls first (they came before opening), then by order."""
    return list(
        db.session.scalars(
            select(LiveBuzz)
            .where(LiveBuzz.session_id == session.id, LiveBuzz.index == index)
            .order_by(LiveBuzz.is_foul.desc(), LiveBuzz.order, LiveBuzz.id)
        )
    )


def buzz_winner(session: LiveSession, index: int) -> LiveBuzz | None:
    """The first clean buzz (lowest order) of a team that did not foul on this question."""
    buzzes = buzzes_of(session, index)
    fouled = {b.team_id for b in buzzes if b.is_foul}
    for candidate in buzzes:
        if not candidate.is_foul and candidate.team_id not in fouled:
            return candidate
    return None


@dataclass(frozen=True)
class DeviceAnswer:
    """The answering team's answer from a phone, as the judges see it."""

    text: str
    is_correct: bool
    by: str


def device_answer(session: LiveSession, question: LiveQuestion) -> DeviceAnswer | None:
    turn = stage_scoring.turn_of(session, question.index, create=False)
    if turn.team_id is None:
        return None
    row = db.session.scalars(
        select(LiveAnswer)
        .join(LivePlayer, LivePlayer.id == LiveAnswer.player_id)
        .where(
            LiveAnswer.session_id == session.id,
            LiveAnswer.index == question.index,
            LivePlayer.team_id == turn.team_id,
        )
        .order_by(LiveAnswer.id)
    ).first()
    if row is None:
        return None
    version = question.version
    text = get_type(version.type).summary(version.definition, row.response)
    return DeviceAnswer(text=text, is_correct=row.is_correct, by=row.player.nickname)


def question_view(session: LiveSession, question: LiveQuestion) -> dict[str, Any]:
    """The current question as everyone may see it (the answer only once shown)."""
    version = question.version
    turn = stage_scoring.turn_of(session, question.index, create=False)
    team = db.session.get(LiveTeam, turn.team_id) if turn.team_id else None
    options = []
    if version.type in CHOICE_TYPES:
        options = [option_html(version, o["text"]) for o in version.definition["options"]]
    view: dict[str, Any] = {
        "index": question.index,
        "kind": question.kind,
        "type": version.type,
        "stem_html": stem_html(version),
        "options": options,
        "choices": questions.options_view(question),  # opaque ids, for a team's phone
        "team": team.name if team else None,
        "team_id": team.id if team else None,
        "risk_value": turn.risk_value,
        "buzz_open": question.buzz_open,
        "fouled_team_ids": sorted(
            {b.team_id for b in buzzes_of(session, question.index) if b.is_foul and b.team_id}
        ),
        "verdict": turn.verdict,
        "answer": None,
    }
    if session.state == LiveState.REVEAL:
        view["answer"] = correct_answer_text(version)
    return view


def screen_state(session: LiveSession) -> dict[str, Any]:
    """The big screen's state: scores as the public sees them (frozen or live), the question."""
    question = stage_scoring.current_question(session)
    showing = question is not None and session.state in (LiveState.QUESTION, LiveState.REVEAL)
    return {
        "id": session.id,
        "format": "stage",
        "version": session.version,
        "state": session.state,
        "title": session.title,
        "pin": session.pin if session.state != LiveState.FINISHED else None,
        "total": len(session.questions),
        "frozen": stage_scoring.is_frozen(session),
        "scores": [
            {"rank": s.rank, "name": s.name, "score": s.score, "team_id": s.team_id}
            for s in stage_scoring.team_scores(session, public=True)
        ],
        "question": question_view(session, question) if showing and question else None,
    }

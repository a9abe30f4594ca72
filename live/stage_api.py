"""The stage format's JSON API: its state with the scores (and, for the host and judges, the
scoring log), the host's steps, the judges' marks, adjustments and the risked value. Buzzes and
phone answers go through the live sessions API (``/buzz``, ``/answers``), which follows the
stage rules for stage sessions."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from live import permissions as live_permissions
from live.api_input import optional_int
from live.models import Format, LiveSession, LiveTeam
from live.services import joining, stage, stage_scoring, stage_state
from live.stage_api_schemas import (
    ACTION_INPUT,
    ACTIONS,
    ADJUST_INPUT,
    MARK_INPUT,
    RISK_INPUT,
    STAGE_STATE,
)
from lms.accounts import permissions
from lms.core.api import documented, iso, json_body
from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from lms.core.extensions import db

bp = Blueprint("live_stage_api", __name__)
TAGS = ("live stage",)
STEPS = {
    "next": stage.next_question,
    "show-answer": stage.show_answer,
    "open-buzzing": stage.open_buzzing,
    "freeze": stage.freeze,
    "reveal": stage.reveal,
    "finish": stage.finish,
}


def _session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None or session.format != Format.STAGE:
        raise NotFoundError(_("This live session does not exist."))
    return session


def _insider(session: LiveSession) -> bool:
    """The host and the judges see the live scores and the log."""
    return (
        live_permissions.can_host(current_user, session)
        or stage_scoring.judge_of(session, current_user) is not None
    )


def _hosted(session_id: int) -> LiveSession:
    session = _session(session_id)
    if not live_permissions.can_host(current_user, session):
        raise PermissionDeniedError(_("Only the host runs the session."), code="not_host")
    return session


def _state(session: LiveSession) -> Any:
    body = stage_state.screen_state(session)
    if _insider(session):
        body["scores"] = [
            {"rank": s.rank, "name": s.name, "score": s.score, "team_id": s.team_id}
            for s in stage_scoring.team_scores(session)
        ]
        body["log"] = [
            {
                "id": e.id,
                "team": e.team.name,
                "delta": e.delta,
                "kind": e.kind,
                "reason": e.reason,
                "actor": e.actor.display_name if e.actor else None,
                "question_index": e.question_index,
                "created_at": iso(e.created_at),
                "undone_at": iso(e.undone_at),
                "undone_by": e.undone_by.display_name if e.undone_by else None,
            }
            for e in stage_scoring.log_of(session)
        ]
    return jsonify(body)


def _integer(data: dict[str, Any], name: str) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("“%(name)s” must be a whole number.", name=name), field=name)
    return value


@bp.route("/live-sessions/<int:session_id>/stage")
@permissions.authenticated
@documented(
    "A stage session's state and team scores (host, judges and players; the host and judges "
    "also get the live scores while frozen, and the scoring log)",
    response_schema=STAGE_STATE,
    tags=TAGS,
)
def get_stage(session_id: int) -> Any:
    session = _session(session_id)
    if not _insider(session) and joining.player_of(session, current_user) is None:
        raise NotFoundError(_("This live session does not exist."))
    return _state(session)


@bp.route("/live-sessions/<int:session_id>/stage/actions", methods=["POST"])
@permissions.authenticated
@documented(
    "The host's steps: next question, show the answer, open buzzing, freeze or reveal the big "
    "screen's scores, finish, undo the last scoring action",
    request_schema=ACTION_INPUT,
    response_schema=STAGE_STATE,
    tags=TAGS,
)
def act(session_id: int) -> Any:
    session = _hosted(session_id)
    body = json_body()
    action = body.get("action")
    if action not in ACTIONS:
        raise ValidationError(_("Choose one of the host's steps."), field="action")
    if action == "undo":
        stage.undo_last(session, current_user, expected=optional_int(body, "expected", None))
    elif action == "next":
        stage.next_question(session, after=optional_int(body, "after", None))
    else:
        STEPS[action](session)
    db.session.commit()
    return _state(session)


@bp.route("/live-sessions/<int:session_id>/stage/marks", methods=["POST"])
@permissions.authenticated
@documented(
    "A judge marks the answering team's answer; the head judge decides a disagreement",
    request_schema=MARK_INPUT,
    response_schema=STAGE_STATE,
    tags=TAGS,
)
def mark(session_id: int) -> Any:
    session = _session(session_id)
    data = json_body()
    decide = data.get("decide", False)
    if not isinstance(decide, bool):
        raise ValidationError(_("“decide” must be true or false."), field="decide")
    verdict = data.get("verdict")
    stage.mark(session, current_user, verdict if isinstance(verdict, str) else "", decide=decide)
    db.session.commit()
    return _state(session)


@bp.route("/live-sessions/<int:session_id>/stage/adjustments", methods=["POST"])
@permissions.authenticated
@documented(
    "The host adds or deducts a team's points, with a reason (kept in the scoring log)",
    request_schema=ADJUST_INPUT,
    response_schema=STAGE_STATE,
    tags=TAGS,
)
def adjust(session_id: int) -> Any:
    session = _hosted(session_id)
    data = json_body()
    team = db.session.get(LiveTeam, _integer(data, "team_id"))
    if team is None or team.session_id != session.id:
        raise ValidationError(_("Choose a team of this session."), field="team_id")
    reason = data.get("reason")
    stage.adjust(session, team, _integer(data, "delta"), reason if isinstance(reason, str) else "",
                 current_user)  # fmt: skip
    db.session.commit()
    return _state(session)


@bp.route("/live-sessions/<int:session_id>/stage/risk", methods=["POST"])
@permissions.authenticated
@documented(
    "The answering team (a player, or the host for them) picks the value risked",
    request_schema=RISK_INPUT,
    response_schema=STAGE_STATE,
    tags=TAGS,
)
def risk(session_id: int) -> Any:
    session = _session(session_id)
    value = _integer(json_body(), "value")
    player = joining.player_of(session, current_user)
    if live_permissions.can_host(current_user, session) and player is None:
        question = stage_scoring.current_question(session)
        turn = stage_scoring.turn_of(session, question.index) if question else None
        team_id = turn.team_id if turn else None
    elif player is not None:
        team_id = player.team_id
    else:
        raise NotFoundError(_("This live session does not exist."))
    team = db.session.get(LiveTeam, team_id) if team_id else None
    if team is None:
        raise ValidationError(_("No team is answering yet."), field="value")
    stage.pick_risk(session, team, value)
    db.session.commit()
    return _state(session)

"""Creating, joining and watching a live session, and its results."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from live.api.access import (
    conditional,
    guest_key,
    player_json,
    results_of,
    viewer_of,
)
from live.api.blueprint import GUEST_COOKIE_SECONDS, TAGS, bp
from live.api_input import settings_from, source_from, unit_from
from live.api_schemas import (
    CREATE_INPUT,
    CREATED,
    JOIN_INPUT,
    JOINED,
    LEADERBOARD,
    REPORT,
    STATE,
)
from live.permissions import can_create_sessions
from live.pin_limits import limit_pin_guessing
from live.services import board, joining, results, sessions
from live.viewer import guest_cookie_name
from lms.accounts import permissions
from lms.core.api import documented, json_body
from lms.core.errors import PermissionDeniedError
from lms.core.extensions import db

# -- creating and joining --------------------------------------------------------------------


@bp.route("/live-sessions", methods=["POST"])
@permissions.authenticated
@documented(
    "Create a live session from a quiz or bank questions (organizers, admins, unit leaders)",
    request_schema=CREATE_INPUT,
    response_schema=CREATED,
    tags=TAGS,
    status=201,
)
def create_session() -> Any:
    if not can_create_sessions(current_user):
        raise PermissionDeniedError(_("Only organizers and unit leaders host live sessions."))
    data = json_body()
    quiz, question_ids = source_from(data, current_user)
    session = sessions.create_session(
        current_user,
        settings_from(data),
        quiz=quiz,
        question_ids=question_ids,
        unit=unit_from(data, current_user),
    )
    db.session.commit()
    body = {"id": session.id, "pin": session.pin, "state": session.state}
    return jsonify({**body, "screen_token": session.screen_token}), 201


def _unknown_pin(response: Response) -> bool:
    return response.status_code == 404


@bp.route("/live-sessions/join", methods=["POST"])
@permissions.public
@limit_pin_guessing(refused=_unknown_pin)
@documented(
    "Join the open session with this PIN (members signed in; guests with a nickname when the "
    "session takes guests). Joining again returns the same player and score. Wrong PINs are "
    "rate-limited per address and per account.",
    request_schema=JOIN_INPUT,
    response_schema=JOINED,
    auth=False,
    tags=TAGS,
)
def join() -> Any:
    data = json_body()
    pin, nickname = data.get("pin"), data.get("nickname")
    signed_in = getattr(current_user, "is_authenticated", False)
    session = joining.open_session_by_pin(pin if isinstance(pin, str) else "")
    player = joining.join(
        session.pin,
        user=current_user if signed_in else None,
        nickname=nickname if isinstance(nickname, str) else None,
        guest_key=guest_key(session.id),
    )
    db.session.commit()
    body: dict[str, Any] = {"session_id": session.id, "player": player_json(player)}
    if player.guest_key:
        body["guest_key"] = player.guest_key
    response = jsonify(body)
    if player.guest_key:
        response.set_cookie(
            guest_cookie_name(session.id),
            player.guest_key,
            max_age=GUEST_COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


# -- watching --------------------------------------------------------------------------------


@bp.route("/live-sessions/<int:session_id>")
@permissions.public
@documented(
    "The session as the viewer sees it: host, player (``me``), or the big screen with "
    "``?token=``. No answer is shown before the question closes.",
    response_schema=STATE,
    auth=False,
    tags=TAGS,
    query={"token": {"type": "string", "description": "the big screen's token"}},
)
def get_session(session_id: int) -> Any:
    viewer = viewer_of(session_id)
    body = board.state_for(viewer.session, player=viewer.player)
    if viewer.is_host:
        body["screen_token"] = viewer.session.screen_token
    return conditional(body)


@bp.route("/live-sessions/<int:session_id>/leaderboard")
@permissions.public
@documented(
    "The session's leaderboard (and the teams' in team mode)",
    response_schema=LEADERBOARD,
    auth=False,
    tags=TAGS,
    query={"token": {"type": "string", "description": "the big screen's token"}},
)
def leaderboard(session_id: int) -> Any:
    session = viewer_of(session_id).session
    body: dict[str, Any] = {"entries": [board.entry_json(e) for e in board.leaderboard(session)]}
    if session.mode == "teams":
        body["teams"] = [board.entry_json(e) for e in board.team_board(session)]
    return conditional(body)


# -- results ---------------------------------------------------------------------------------


@bp.route("/live-sessions/<int:session_id>/report")
@permissions.authenticated
@documented(
    "Players by unit with their scores (host, organizers, admins, leaders above the unit)",
    response_schema=REPORT,
    tags=TAGS,
)
def report(session_id: int) -> Any:
    return jsonify({"units": results.unit_report(results_of(session_id))})

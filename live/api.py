"""JSON API of live hosted sessions (issue 16 section 4), on the services the pages use.

Players may be guests (no account): the routes phones use are open to anyone and check the
viewer themselves (:mod:`live.viewer`); a session a viewer has no part in answers 404.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from live import channels  # noqa: F401 - registers the push tier's "live" channels
from live.api_input import settings_from, source_from, unit_from
from live.api_schemas import (
    ACCEPTED,
    ANSWER_INPUT,
    BUZZED,
    BUZZING_INPUT,
    CREATE_INPUT,
    CREATED,
    EXTEND_INPUT,
    INDEX_INPUT,
    JOIN_INPUT,
    JOINED,
    LEADERBOARD,
    REPORT,
    STATE,
)
from live.models import LivePlayer, LiveSession
from live.permissions import can_create_sessions, can_see_results
from live.services import answers, board, buzzer, results, sessions
from live.viewer import Viewer, guest_cookie_name, viewer_for
from lms.accounts import permissions
from lms.core.api import documented, iso, json_body
from lms.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from lms.core.extensions import db, limiter

bp = Blueprint("live_api", __name__)
TAGS = ("live",)
GUEST_HEADER = "X-Live-Guest"
GUEST_COOKIE_SECONDS = 2 * 24 * 3600
VOLATILE = ("server_time",)


# -- who is asking ---------------------------------------------------------------------------


def _guest_key(session_id: int) -> str | None:
    return request.cookies.get(guest_cookie_name(session_id)) or request.headers.get(GUEST_HEADER)


def _viewer(session_id: int) -> Viewer:
    """The viewer of the session; a 404 for anyone who has no part in it."""
    session = db.session.get(LiveSession, session_id)
    if session is not None:
        viewer = viewer_for(
            session,
            current_user,
            guest_key=_guest_key(session_id),
            token=request.args.get("token"),
        )
        if viewer.may_watch:
            return viewer
    raise NotFoundError(_("This live session does not exist."))


def _hosted(session_id: int) -> LiveSession:
    viewer = _viewer(session_id)
    if not viewer.is_host:
        raise PermissionDeniedError(_("Only the host runs the session."), code="not_host")
    return viewer.session


def _player(session_id: int) -> tuple[LiveSession, LivePlayer]:
    viewer = _viewer(session_id)
    if viewer.player is None:
        raise ConflictError(_("Join the session first."), code="not_joined")
    return viewer.session, viewer.player


def _results(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None or not can_see_results(current_user, session):
        raise NotFoundError(_("This live session does not exist."))
    return session


# -- shaping answers -------------------------------------------------------------------------


def _conditional(body: dict[str, Any]) -> Response:
    """JSON with an ETag of what changes (not the server's clock): a poll that changed nothing
    gets 304."""
    stable = {k: v for k, v in body.items() if k not in VOLATILE}
    question = stable.get("question")
    if isinstance(question, dict):
        stable["question"] = {k: v for k, v in question.items() if k != "seconds_left"}
    digest = hashlib.blake2b(
        json.dumps(stable, sort_keys=True, ensure_ascii=False).encode(), digest_size=16
    ).hexdigest()
    response = jsonify(body)
    response.set_etag(digest)
    response.cache_control.private = True
    response.cache_control.no_cache = True
    return response.make_conditional(request)


def _player_json(player: LivePlayer) -> dict[str, Any]:
    return {
        "id": player.id,
        "name": player.nickname,
        "team": player.team.name if player.team else None,
        "score": player.score,
    }


def _host_action(session_id: int, action: Any, *args: Any) -> Response:
    session = _hosted(session_id)
    action(session, *args)
    db.session.commit()
    return jsonify(board.state_for(session))


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


def _account_key() -> str:
    if getattr(current_user, "is_authenticated", False):
        return f"user-{current_user.id}"
    return f"address-{get_remote_address()}"


def _unknown_pin(response: Response) -> bool:
    return response.status_code == 404


def _limit(key: str) -> Any:
    return lambda: current_app.config[key]


@bp.route("/live-sessions/join", methods=["POST"])
@permissions.public
@limiter.limit(
    _limit("LIVE_PIN_RATE_LIMIT_ADDRESS"),
    key_func=get_remote_address,
    deduct_when=_unknown_pin,
    scope="live-pin-address",
)
@limiter.limit(
    _limit("LIVE_PIN_RATE_LIMIT"),
    key_func=_account_key,
    deduct_when=_unknown_pin,
    scope="live-pin-account",
)
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
    session = sessions.open_session_by_pin(pin if isinstance(pin, str) else "")
    player = sessions.join(
        session.pin,
        user=current_user if signed_in else None,
        nickname=nickname if isinstance(nickname, str) else None,
        guest_key=_guest_key(session.id),
    )
    db.session.commit()
    body: dict[str, Any] = {"session_id": session.id, "player": _player_json(player)}
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
    viewer = _viewer(session_id)
    body = board.state_for(viewer.session, player=viewer.player)
    if viewer.is_host:
        body["screen_token"] = viewer.session.screen_token
    return _conditional(body)


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
    session = _viewer(session_id).session
    body: dict[str, Any] = {"entries": [board.entry_json(e) for e in board.leaderboard(session)]}
    if session.mode == "teams":
        body["teams"] = [board.entry_json(e) for e in board.team_board(session)]
    return _conditional(body)


# -- the host --------------------------------------------------------------------------------


@bp.route("/live-sessions/<int:session_id>/next", methods=["POST"])
@permissions.authenticated
@documented(
    "The host's next step: lobby -> question -> reveal -> leaderboard -> next question ... "
    "-> finished",
    response_schema=STATE,
    tags=TAGS,
)
def next_step(session_id: int) -> Any:
    return _host_action(session_id, sessions.advance)


@bp.route("/live-sessions/<int:session_id>/pause", methods=["POST"])
@permissions.authenticated
@documented("Pause the open question's clock (host)", response_schema=STATE, tags=TAGS)
def pause(session_id: int) -> Any:
    return _host_action(session_id, sessions.pause)


@bp.route("/live-sessions/<int:session_id>/resume", methods=["POST"])
@permissions.authenticated
@documented("Resume the paused question (host)", response_schema=STATE, tags=TAGS)
def resume(session_id: int) -> Any:
    return _host_action(session_id, sessions.resume)


@bp.route("/live-sessions/<int:session_id>/extend", methods=["POST"])
@permissions.authenticated
@documented(
    "Give the open question more seconds (host)",
    request_schema=EXTEND_INPUT,
    response_schema=STATE,
    tags=TAGS,
)
def extend(session_id: int) -> Any:
    seconds = json_body().get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        seconds = 0  # the service refuses it with its message
    return _host_action(session_id, sessions.extend, seconds)


@bp.route("/live-sessions/<int:session_id>/skip", methods=["POST"])
@permissions.authenticated
@documented(
    "Skip the open question without its reveal and open the next (host)",
    response_schema=STATE,
    tags=TAGS,
)
def skip(session_id: int) -> Any:
    return _host_action(session_id, sessions.skip)


@bp.route("/live-sessions/<int:session_id>/end", methods=["POST"])
@permissions.authenticated
@documented("End the session now (host)", response_schema=STATE, tags=TAGS)
def end(session_id: int) -> Any:
    return _host_action(session_id, sessions.end)


@bp.route("/live-sessions/<int:session_id>/buzzing", methods=["POST"])
@permissions.authenticated
@documented(
    "Open or close buzzing on the current buzzer question (host)",
    request_schema=BUZZING_INPUT,
    response_schema=STATE,
    tags=TAGS,
)
def buzzing(session_id: int) -> Any:
    session = _hosted(session_id)
    data = json_body()
    is_open = data.get("open")
    if not isinstance(is_open, bool):
        is_open = False
    buzzer.set_open(session, data.get("index"), is_open)
    db.session.commit()
    return jsonify(board.state_for(session))


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
    session, player = _player(session_id)
    data = json_body()
    stored = answers.submit(session, player, data.get("index"), data.get("answer"))
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
    session, player = _player(session_id)
    stored = buzzer.buzz(session, player, json_body().get("index"))
    db.session.commit()
    return jsonify(
        {"order": stored.order, "foul": stored.is_foul, "received_at": iso(stored.received_at)}
    )


# -- results ---------------------------------------------------------------------------------


@bp.route("/live-sessions/<int:session_id>/report")
@permissions.authenticated
@documented(
    "Players by unit with their scores (host, organizers, admins, leaders above the unit)",
    response_schema=REPORT,
    tags=TAGS,
)
def report(session_id: int) -> Any:
    return jsonify({"units": results.unit_report(_results(session_id))})

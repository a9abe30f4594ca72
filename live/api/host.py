"""The host's steps: next, close, pause, resume, extend, skip, end, buzzing, moving a player."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _

from live.api.access import (
    host_action,
    hosted,
    player_json,
)
from live.api.blueprint import TAGS, bp
from live.api_schemas import (
    BUZZING_INPUT,
    EXTEND_INPUT,
    MOVE_INPUT,
    PLAYER,
    STATE,
)
from live.models import LivePlayer, LiveSession, LiveTeam
from live.services import board, buzzer, sessions, teams
from lms.accounts import permissions
from lms.core.api import documented, json_body
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.http import MAX_ID

# -- the host --------------------------------------------------------------------------------


# The host's buttons that take nothing but the session: (path, endpoint, service, summary).
STEPS = (
    (
        "next",
        "next_step",
        sessions.advance,
        "The host's next step: lobby -> question -> reveal -> leaderboard -> next question ... "
        "-> finished",
    ),
    (
        "close",
        "close",
        sessions.close,
        "Close the open question and show its reveal (host; idempotent: the console calls it "
        "when the countdown ends)",
    ),
    ("pause", "pause", sessions.pause, "Pause the open question's clock (host)"),
    ("resume", "resume", sessions.resume, "Resume the paused question (host)"),
    (
        "skip",
        "skip",
        sessions.skip,
        "Skip the open question without its reveal and open the next (host)",
    ),
    ("end", "end", sessions.end, "End the session now (host)"),
)


def _step_view(step: Callable[[LiveSession], Any]) -> Callable[[int], Response]:
    def view(session_id: int) -> Response:
        return host_action(session_id, step)

    return view


for _path, _endpoint, _step, _summary in STEPS:
    bp.add_url_rule(
        f"/live-sessions/<int:session_id>/{_path}",
        endpoint=_endpoint,
        view_func=permissions.authenticated(
            documented(_summary, response_schema=STATE, tags=TAGS)(_step_view(_step))
        ),
        methods=["POST"],
    )


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
    return host_action(session_id, sessions.extend, seconds)


@bp.route("/live-sessions/<int:session_id>/buzzing", methods=["POST"])
@permissions.authenticated
@documented(
    "Open or close buzzing on the current buzzer question (host)",
    request_schema=BUZZING_INPUT,
    response_schema=STATE,
    tags=TAGS,
)
def buzzing(session_id: int) -> Any:
    session = hosted(session_id)
    data = json_body()
    is_open = data.get("open")
    if not isinstance(is_open, bool):
        is_open = False
    buzzer.set_open(session, data.get("index"), is_open)
    db.session.commit()
    return jsonify(board.state_for(session))


@bp.route("/live-sessions/<int:session_id>/players/<int:player_id>/team", methods=["POST"])
@permissions.authenticated
@documented(
    "Put a player in another team of the session (host)",
    request_schema=MOVE_INPUT,
    response_schema=PLAYER,
    tags=TAGS,
)
def move_player(session_id: int, player_id: int) -> Any:
    session = hosted(session_id)
    player = db.session.get(LivePlayer, player_id)
    if player is None or player.session_id != session.id:
        raise NotFoundError(_("This player is not in the session."))
    team_id = json_body().get("team_id")
    valid = isinstance(team_id, int) and not isinstance(team_id, bool) and 0 < team_id <= MAX_ID
    team = db.session.get(LiveTeam, team_id) if valid else None
    if team_id is not None and team is None:
        raise ValidationError(_("This team is not in the session."), field="team_id")
    teams.move_player(player, team)
    db.session.commit()
    return jsonify(player_json(player))

"""Live leaderboards: the member page, the big-screen display and the board.json they poll.

Every answer is the public board as ready-made bytes (``leaderboards.board_bytes``, cached by
board version), wrapped with the competition's stage and freeze state; a member's page adds their
own row, fetched apart so nothing user-specific is ever cached or shown on the public display.
Without the push tier, pages poll with the last ETag, so an unchanged board costs a 304; no
request ever waits for a change, so no app thread is held by a watcher. With it (nginx + Nchan,
``competitions.live_push``), pages subscribe to their channel and nginx holds the connection.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from competitions import live_push
from competitions.models import Competition
from competitions.permissions import can_see_competition
from competitions.services import authoring, leaderboards, live_messages, stages
from competitions.services.live_messages import TOP_N
from lms.accounts import permissions
from lms.accounts.models import User
from lms.core import push
from lms.core.api import iso
from lms.core.clock import utcnow
from lms.core.extensions import db

bp = Blueprint("competition_live", __name__)


# Member pages ---------------------------------------------------------------------------


@bp.route("/competitions/<int:competition_id>/live")
@permissions.authenticated
def board(competition_id: int) -> Any:
    competition = _watchable(competition_id)
    version = live_messages.version_now()  # before the board is read: older messages are ignored
    return render_template(
        "competitions/live/board.html",
        competition=competition,
        people=leaderboards.people_board(
            competition, limit=TOP_N, around=current_user, viewer=current_user
        ),
        units=leaderboards.units_board(competition),
        stage=stages.stage_of(competition),
        frozen=stages.is_frozen(competition),
        server_time=iso(utcnow()),
        top_n=TOP_N,
        version=version,
        subscribe_url=push.subscribe_url(live_push.member_channel(competition.id)),
    )


@bp.route("/competitions/<int:competition_id>/live/board.json")
@permissions.authenticated
def board_json(competition_id: int) -> Any:
    competition = _watchable(competition_id)
    version = live_messages.version_now()
    return _conditional_json(_member_payload(competition, current_user), version, private=True)


# The big screen (public: the display link is the secret) ---------------------------------


@bp.route("/display/<display_token>")
@permissions.public
def display(display_token: str) -> Any:
    competition = _displayed(display_token)
    version = live_messages.version_now()
    return render_template(
        "competitions/live/display.html",
        competition=competition,
        people=leaderboards.people_board(competition, limit=TOP_N, around=None, viewer=None),
        units=leaderboards.units_board(competition),
        stage=stages.stage_of(competition),
        frozen=stages.is_frozen(competition),
        server_time=iso(utcnow()),
        top_n=TOP_N,
        version=version,
        subscribe_url=push.subscribe_url(live_push.display_channel(display_token)),
    )


@bp.route("/display/<display_token>/board.json")
@permissions.public
def display_json(display_token: str) -> Any:
    version = live_messages.version_now()
    payload = live_messages.public_board(_displayed(display_token))
    return _conditional_json(payload, version, private=False)


# Helpers ---------------------------------------------------------------------------------


def _watchable(competition_id: int) -> Competition:
    """The competition, if the user may watch it live: its managers, or eligible members once
    it is published (anyone else learns nothing, not even that it exists)."""
    competition = authoring.get_competition(competition_id)
    if not can_see_competition(current_user, competition):
        abort(404)
    return competition


def _displayed(display_token: str) -> Competition:
    competition = db.session.scalar(
        select(Competition).where(Competition.display_token == display_token[:64])
    )
    if competition is None:
        abort(404)
    return competition


def _member_payload(competition: Competition, user: User | None) -> bytes:
    """The public board plus the viewer's own live row and neighbours (never cached)."""
    mine: dict[str, Any] = {"me": None, "neighbours": []}
    if user is not None:
        board = leaderboards.people_board(competition, limit=1, around=user, viewer=user)
        mine = {
            "me": _row(board.me, user.id) if board.me else None,
            "neighbours": [_row(row, user.id) for row in board.neighbours],
        }
    public = live_messages.public_board(competition)
    return public[:-1] + b',"mine":' + live_messages.dumps(mine) + b"}"


def _row(row: Any, viewer_id: int) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "name": row.name,
        "unit": row.unit,
        "score": row.score,
        "time_used_seconds": row.time_used_seconds,
        "is_me": row.user_id == viewer_id,
    }


def _conditional_json(payload: bytes, version: int, *, private: bool) -> Response:
    """The payload with an ETag of its content: a poll of an unchanged board answers 304.

    ``X-Board-Version`` says when it was read, so a page also on the push tier can tell it
    from a newer or older pushed message (it is not part of the ETag)."""
    response = Response(
        payload, mimetype="application/json", headers={"X-Board-Version": str(version)}
    )
    response.set_etag(hashlib.sha256(payload).hexdigest()[:32])
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
    return response.make_conditional(request)

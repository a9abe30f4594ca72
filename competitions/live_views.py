"""Live leaderboards: the member page, the big-screen display and the board.json they poll.

Every answer is the public board as ready-made bytes (``leaderboards.board_bytes``, cached by
board version), wrapped with the competition's stage and freeze state; a member's page adds their
own row, fetched apart so nothing user-specific is ever cached or shown on the public display.
Pages poll with the last ETag, so an unchanged board costs a 304; no request ever waits for a
change, so no app thread is held by a watcher (the push tier through nginx + Nchan comes later).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from competitions.models import Competition, Stage
from competitions.permissions import can_see_competition
from competitions.services import authoring, leaderboards, stages
from lms.accounts import permissions
from lms.accounts.models import User
from lms.core.api import iso
from lms.core.clock import utcnow
from lms.core.extensions import db

bp = Blueprint("competition_live", __name__)

TOP_N = 50
UNITS_N = 50


# Member pages ---------------------------------------------------------------------------


@bp.route("/competitions/<int:competition_id>/live")
@permissions.authenticated
def board(competition_id: int) -> Any:
    competition = _watchable(competition_id)
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
    )


@bp.route("/competitions/<int:competition_id>/live/board.json")
@permissions.authenticated
def board_json(competition_id: int) -> Any:
    competition = _watchable(competition_id)
    return _conditional_json(_member_payload(competition, current_user), private=True)


# The big screen (public: the display link is the secret) ---------------------------------


@bp.route("/display/<display_token>")
@permissions.public
def display(display_token: str) -> Any:
    competition = _displayed(display_token)
    return render_template(
        "competitions/live/display.html",
        competition=competition,
        people=leaderboards.people_board(competition, limit=TOP_N, around=None, viewer=None),
        units=leaderboards.units_board(competition),
        stage=stages.stage_of(competition),
        frozen=stages.is_frozen(competition),
        server_time=iso(utcnow()),
        top_n=TOP_N,
    )


@bp.route("/display/<display_token>/board.json")
@permissions.public
def display_json(display_token: str) -> Any:
    return _conditional_json(_public_payload(_displayed(display_token)), private=False)


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


def _public_payload(competition: Competition) -> bytes:
    """The public board as JSON bytes: no viewer, identical for everyone, so cacheable."""
    now = utcnow()
    stage = stages.stage_of(competition, now)
    meta = {
        "competition_id": competition.id,
        "stage": str(stage),
        "frozen": stages.is_frozen(competition, now),
        "revealed": stage in (Stage.FINISHED, Stage.PUBLISHED),
        "ends_at": iso(competition.ends_at),
    }
    return b"".join(
        [
            b'{"meta":',
            _dumps(meta),
            b',"people":',
            leaderboards.board_bytes(competition, "people", TOP_N),
            b',"units":',
            leaderboards.board_bytes(competition, "units", UNITS_N),
            b"}",
        ]
    )


def _member_payload(competition: Competition, user: User | None) -> bytes:
    """The public board plus the viewer's own live row and neighbours (never cached)."""
    mine: dict[str, Any] = {"me": None, "neighbours": []}
    if user is not None:
        board = leaderboards.people_board(competition, limit=1, around=user, viewer=user)
        mine = {
            "me": _row(board.me, user.id) if board.me else None,
            "neighbours": [_row(row, user.id) for row in board.neighbours],
        }
    return _public_payload(competition)[:-1] + b',"mine":' + _dumps(mine) + b"}"


def _row(row: Any, viewer_id: int) -> dict[str, Any]:
    return {
        "rank": row.rank,
        "name": row.name,
        "unit": row.unit,
        "score": row.score,
        "time_used_seconds": row.time_used_seconds,
        "is_me": row.user_id == viewer_id,
    }


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _conditional_json(payload: bytes, *, private: bool) -> Response:
    """The payload with an ETag of its content: a poll of an unchanged board answers 304."""
    response = Response(payload, mimetype="application/json")
    response.set_etag(hashlib.sha256(payload).hexdigest()[:32])
    response.cache_control.no_cache = True
    if private:
        response.cache_control.private = True
    return response.make_conditional(request)

"""Live leaderboards: server-sent events, the polling fallback and the big-screen display.

Every update is the public board as ready-made bytes (``leaderboards.board_bytes``, cached by
board version), wrapped with the competition's stage and freeze state; a member's page adds their
own row, fetched apart so nothing user-specific is ever cached or shown on the public display.
A stream lives a bounded time (the browser's EventSource reconnects by itself) and is woken by
``standings_changed`` through ``lms.core.pubsub``, which fans out over Redis between workers.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from time import monotonic
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from competitions.models import Competition, Stage
from competitions.permissions import can_see_competition
from competitions.services import authoring, leaderboards, stages
from competitions.signals import standings_changed
from lms.accounts import permissions
from lms.accounts.models import User
from lms.core import pubsub
from lms.core.api import iso
from lms.core.clock import utcnow
from lms.core.extensions import db

bp = Blueprint("competition_live", __name__)

TOP_N = 50
UNITS_N = 50
STREAM_SECONDS = 300  # then the browser reconnects, so a worker is never held forever
HEARTBEAT_SECONDS = 15
RETRY_MS = 2000


def channel_of(competition_id: int) -> str:
    return f"competitions:{competition_id}:standings"


@standings_changed.connect
def _announce(_sender: Any = None, *, competition_id: int, **_extra: Any) -> None:
    """Wake every open stream of the competition, in every worker, once the change commits."""
    pubsub.publish(channel_of(competition_id), {"competition_id": competition_id})


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
        stream=_streams_enabled(),
        top_n=TOP_N,
    )


@bp.route("/competitions/<int:competition_id>/live/board.json")
@permissions.authenticated
def board_json(competition_id: int) -> Any:
    competition = _watchable(competition_id)
    return _conditional_json(_member_payload(competition, current_user), private=True)


@bp.route("/competitions/<int:competition_id>/live/stream")
@permissions.authenticated
def stream(competition_id: int) -> Any:
    _watchable(competition_id)
    user_id = current_user.id

    def build() -> bytes:
        return _member_payload(
            authoring.get_competition(competition_id), db.session.get(User, user_id)
        )

    return _event_response(competition_id, build)


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
        stream=_streams_enabled(),
        top_n=TOP_N,
    )


@bp.route("/display/<display_token>/board.json")
@permissions.public
def display_json(display_token: str) -> Any:
    return _conditional_json(_public_payload(_displayed(display_token)), private=False)


@bp.route("/display/<display_token>/stream")
@permissions.public
def display_stream(display_token: str) -> Any:
    competition_id = _displayed(display_token).id

    def build() -> bytes:
        competition = db.session.get(Competition, competition_id)
        if competition is None or competition.display_token != display_token:
            raise _RevokedError
        return _public_payload(competition)

    return _event_response(competition_id, build)


# Helpers ---------------------------------------------------------------------------------


class _RevokedError(Exception):
    """The display link was revoked while its stream was open."""


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


def _streams_enabled() -> bool:
    """Push by server-sent events only when Redis fans them out; otherwise the page polls."""
    return bool(current_app.config.get("REDIS_URL"))


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


def _event_response(competition_id: int, build: Callable[[], bytes]) -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    response = Response(
        _events(app, channel_of(competition_id), build), mimetype="text/event-stream"
    )
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


def _events(app: Flask, channel: str, build: Callable[[], bytes]) -> Iterator[str]:
    """The board now, then again whenever it changes; a comment now and then as heartbeat.

    Each round subscribes before it reads the board, so a change committed while the board is
    being read still wakes the stream. Without Redis, ``listen`` only waits a poll interval and
    the board's bytes (cached by board version) tell whether anything changed. Each read runs in
    an application context of its own that ends before the stream waits or writes, so an idle
    stream holds no database connection and leaks no context into the server's thread.
    """
    lifetime = float(app.config.get("LIVE_STREAM_SECONDS", STREAM_SECONDS))
    heartbeat = float(app.config.get("LIVE_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))
    ends = monotonic() + lifetime
    sent = b""
    yield f"retry: {RETRY_MS}\n\n"
    written = monotonic()
    while (left := ends - monotonic()) > 0:
        try:
            with app.app_context():
                messages = pubsub.listen(channel, timeout=min(heartbeat, left))
                payload = build()
        except _RevokedError:
            yield _event("revoked", b"{}")
            return
        if payload != sent:
            sent, written = payload, monotonic()
            yield _event("board", payload)
        for _message in messages:
            break
        if monotonic() - written >= heartbeat:
            written = monotonic()
            yield ": heartbeat\n\n"


def _event(name: str, payload: bytes) -> str:
    return f"event: {name}\ndata: {payload.decode()}\n\n"

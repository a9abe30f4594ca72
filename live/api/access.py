"""Who is asking (the session's host, a player, a guest, the big screen) and how answers are
shaped, for every route of the live API."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from live.api.blueprint import GUEST_HEADER, VOLATILE
from live.models import LivePlayer, LiveSession
from live.permissions import can_see_results
from live.services import board
from live.viewer import Viewer, guest_cookie_name, viewer_for
from lms.core.errors import ConflictError, NotFoundError, PermissionDeniedError
from lms.core.extensions import db

# -- who is asking ---------------------------------------------------------------------------


def guest_key(session_id: int) -> str | None:
    return request.cookies.get(guest_cookie_name(session_id)) or request.headers.get(GUEST_HEADER)


def viewer_of(session_id: int) -> Viewer:
    """The viewer of the session; a 404 for anyone who has no part in it."""
    session = db.session.get(LiveSession, session_id)
    if session is not None:
        viewer = viewer_for(
            session,
            current_user,
            guest_key=guest_key(session_id),
            token=request.args.get("token"),
        )
        if viewer.may_watch:
            return viewer
    raise NotFoundError(_("This live session does not exist."))


def hosted(session_id: int) -> LiveSession:
    viewer = viewer_of(session_id)
    if not viewer.is_host:
        raise PermissionDeniedError(_("Only the host runs the session."), code="not_host")
    return viewer.session


def player_of_request(session_id: int) -> tuple[LiveSession, LivePlayer]:
    viewer = viewer_of(session_id)
    if viewer.player is None:
        raise ConflictError(_("Join the session first."), code="not_joined")
    return viewer.session, viewer.player


def results_of(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None or not can_see_results(current_user, session):
        raise NotFoundError(_("This live session does not exist."))
    return session


# -- shaping answers -------------------------------------------------------------------------


def conditional(body: dict[str, Any]) -> Response:
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


def player_json(player: LivePlayer) -> dict[str, Any]:
    return {
        "id": player.id,
        "name": player.nickname,
        "team": player.team.name if player.team else None,
        "score": player.score,
    }


def host_action(session_id: int, action: Any, *args: Any) -> Response:
    session = hosted(session_id)
    action(session, *args)
    db.session.commit()
    return jsonify(board.state_for(session))

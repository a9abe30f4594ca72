"""The push tier's channels of live sessions (kind ``live``), and who may subscribe:
``live-<id>`` its host, its players, a stage session's judges and the big screen;
``live-<id>-p<k>`` (the state with results for a bucket of phones) the players of that bucket
and the host; ``live-<id>-screen`` (joins, answer counts) the host and the big screen. The
screen's token comes as ``?token=`` on the subscribe URL (seen here directly or in the
``X-Original-URI`` header of Nchan's subrequest)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from flask import request
from flask_login import current_user

from live.models import LiveSession
from live.services.messages import PLAYER_BUCKETS
from live.viewer import guest_cookie_name, viewer_for
from lms.core import push
from lms.core.extensions import db
from lms.core.http import parse_id

REST = re.compile(r"^(\d{1,12})(?:(-screen)|-p(\d{1,3}))?$")


def _token() -> str | None:
    token = request.args.get("token")
    if token:
        return token
    original = request.headers.get("X-Original-URI", "")
    values = parse_qs(urlsplit(original).query).get("token")
    return values[0] if values else None


def authorise(rest: str) -> bool:
    match = REST.match(rest)
    if match is None:
        return False
    session_id = parse_id(match.group(1))
    session = db.session.get(LiveSession, session_id) if session_id is not None else None
    if session is None:
        return False
    viewer = viewer_for(
        session,
        current_user,
        guest_key=request.cookies.get(guest_cookie_name(session.id)),
        token=_token(),
    )
    if match.group(2):
        return viewer.is_host or viewer.is_screen
    if match.group(3) is not None:  # a bucket of phones: its own players' (and the host's)
        player = viewer.player
        in_bucket = player is not None and player.id % PLAYER_BUCKETS == int(match.group(3))
        return in_bucket or viewer.is_host
    return viewer.may_watch


push.register_channel("live", authorise)

"""Readiness and metrics for the proxy and for Prometheus (``/healthz`` is in views.py)."""

from __future__ import annotations

import ipaddress
from typing import Any

from flask import Blueprint, abort, current_app, request
from sqlalchemy import func, select

from live.models import LivePlayer, LiveSession, LiveState
from lms.accounts import permissions
from lms.core import metrics, readiness
from lms.core.extensions import db
from quizzes.models import Attempt, State

bp = Blueprint("monitoring", __name__)


@bp.route("/readyz")
@permissions.public
def ready() -> Any:
    found = readiness.checks()
    ok = all(check.ok for check in found)
    body = {
        "status": "ok" if ok else "unavailable",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in found},
    }
    return body, 200 if ok else 503


@bp.route("/metrics")
@permissions.public
def prometheus() -> Any:
    """Prometheus' text format, only for the addresses ``LMS_METRICS_ALLOWED_NETWORKS`` lists
    (loopback by default): anyone else gets the same 404 as for a page that does not exist."""
    if not _scraper_allowed(request.remote_addr):
        abort(404)
    return metrics.exposition()


def _scraper_allowed(address: str | None) -> bool:
    if not address:
        return False
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(
        client in ipaddress.ip_network(network, strict=False)
        for network in current_app.config["METRICS_ALLOWED_NETWORKS"]
    )


def _attempts_in_progress() -> float:
    return float(
        db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.state == State.IN_PROGRESS)
        )
        or 0
    )


metrics.register_gauge(
    "lms_attempts_in_progress",
    "Quiz attempts started and not yet submitted.",
    _attempts_in_progress,
)


def _live_players() -> float:
    return float(
        db.session.scalar(
            select(func.count())
            .select_from(LivePlayer)
            .join(LiveSession, LiveSession.id == LivePlayer.session_id)
            .where(LiveSession.state != LiveState.FINISHED)
        )
        or 0
    )


metrics.register_gauge(
    "lms_live_players",
    "Players in live sessions that have not finished (each phone holds one push subscription).",
    _live_players,
)

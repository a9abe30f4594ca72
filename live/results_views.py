"""A finished session's results for those who may see them (host, organizers, admins, leaders
above its unit): the report by unit, and every answer as XLSX."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template
from flask_login import current_user

from live.models import LiveSession
from live.permissions import can_see_results
from live.services import board, results
from lms.accounts import permissions
from lms.core.extensions import db
from lms.core.spreadsheets import MIMETYPES

bp = Blueprint("live_results", __name__, url_prefix="/live")


def _session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None or not can_see_results(current_user, session):
        abort(404)
    return session


@bp.route("/<int:session_id>/results")
@permissions.authenticated
def report(session_id: int) -> Any:
    session = _session(session_id)
    return render_template(
        "live/results/report.html",
        session=session,
        units=results.unit_report(session),
        teams=board.team_board(session) if session.mode == "teams" else [],
        players=board.player_count(session),
    )


@bp.route("/<int:session_id>/results.xlsx")
@permissions.authenticated
def export(session_id: int) -> Any:
    session = _session(session_id)
    return Response(
        results.export_xlsx(session),
        mimetype=MIMETYPES["xlsx"],
        headers={"Content-Disposition": f"attachment; filename=live-{session.id}-results.xlsx"},
    )

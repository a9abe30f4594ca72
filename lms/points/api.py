"""JSON API for study points (DESIGN.md section 6): my points and the points leaderboards."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.core.api import PAGING, BadRequestError, documented, iso, page_args
from lms.points import queries
from lms.points.models import PointEntry
from lms.points.rules import RULES

bp = Blueprint("points_api", __name__)

ENTRY_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "rule": {"type": "string"},
        "rule_label": {"type": "string"},
        "points": {"type": "integer"},
        "reason": {"type": "string"},
        "source_type": {"type": "string"},
        "source_id": {"type": "integer"},
        "awarded_on": {"type": "string", "format": "date"},
        "created_at": {"type": "string", "format": "date-time"},
    },
}
ME_SCHEMA = {
    "type": "object",
    "required": ["total", "week", "month", "items", "total_items"],
    "properties": {
        "total": {"type": "integer"},
        "week": {"type": "integer", "description": "since Monday, site time zone"},
        "month": {"type": "integer"},
        "items": {"type": "array", "items": ENTRY_SCHEMA},
        "total_items": {"type": "integer"},
    },
}
ROW_SCHEMA = {
    "type": "object",
    "required": ["rank", "name", "unit", "points"],
    "properties": {
        "rank": {"type": "integer", "description": "an exact tie shares the rank"},
        "name": {"type": "string"},
        "unit": {"type": "string", "description": "unit path"},
        "points": {"type": "number", "description": "units: average points per active member"},
        "members": {"type": "integer", "description": "units only"},
        "total": {"type": "integer", "description": "units only: the members' sum"},
    },
}
BOARD_SCHEMA = {
    "type": "object",
    "required": ["period", "scope", "entries"],
    "properties": {
        "period": {"type": "string", "enum": list(queries.PERIODS)},
        "scope": {"type": "string", "enum": list(queries.SCOPES)},
        "metric": {"type": "string", "enum": ["sum", "average_per_member"]},
        "entries": {"type": "array", "items": ROW_SCHEMA},
        "me": {**ROW_SCHEMA, "nullable": True},
    },
}


def _entry_json(entry: PointEntry) -> dict[str, Any]:
    rule = RULES.get(entry.rule)
    return {
        "id": entry.id,
        "rule": entry.rule,
        "rule_label": str(rule.label) if rule else entry.rule,
        "points": entry.points,
        "reason": entry.reason,
        "source_type": entry.source_type,
        "source_id": entry.source_id,
        "awarded_on": entry.awarded_on.isoformat(),
        "created_at": iso(entry.created_at),
    }


@bp.route("/points/me")
@permissions.authenticated
@documented(
    "My study points: total, this week, this month, and the history (?page=&per_page=)",
    response_schema=ME_SCHEMA,
    tags=("points",),
    query=PAGING,
)
def me() -> Any:
    page, per_page = page_args()
    summary = queries.summary(current_user)
    entries = queries.history(current_user, page, per_page)
    return jsonify(
        {
            "total": summary.total,
            "week": summary.week,
            "month": summary.month,
            "items": [_entry_json(entry) for entry in entries.items],
            "total_items": entries.total,
        }
    )


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, allowed[0])
    if value not in allowed:
        raise BadRequestError(
            _("“%(key)s” must be one of: %(values)s.", key=name, values=", ".join(allowed)),
            field=name,
        )
    return value


def _row_json(row: queries.BoardRow, scope: str) -> dict[str, Any]:
    data: dict[str, Any] = {"rank": row.rank, "name": row.name, "unit": row.unit}
    data["points"] = row.points
    if scope == "units":
        data.update(members=row.members, total=row.total)
    return data


@bp.route("/points/leaderboard")
@permissions.authenticated
@documented(
    "Points leaderboard (?period=week|month|all&scope=people|units): top 50 and my rank; "
    "units are branches ranked by average points per active member",
    response_schema=BOARD_SCHEMA,
    tags=("points",),
    query={
        "period": {"type": "string", "enum": list(queries.PERIODS)},
        "scope": {"type": "string", "enum": list(queries.SCOPES)},
    },
)
def leaderboard() -> Any:
    period, scope = _choice("period", queries.PERIODS), _choice("scope", queries.SCOPES)
    board = queries.leaderboard(period, scope, current_user)
    return jsonify(
        {
            "period": board.period,
            "scope": board.scope,
            "metric": "average_per_member" if scope == "units" else "sum",
            "entries": [_row_json(row, scope) for row in board.entries],
            "me": _row_json(board.me, scope) if board.me else None,
        }
    )

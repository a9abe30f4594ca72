"""JSON API of the notification centre (DESIGN.md section 6)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_login import current_user

from lms.accounts import permissions
from lms.core.api import PAGING, documented, iso, list_of, page_args
from lms.core.extensions import db
from lms.core.markup import render_markdown
from lms.notifications import queries, services
from lms.notifications.kinds import Kind
from lms.notifications.models import Notification

bp = Blueprint("notifications_api", __name__)

NOTIFICATION_SCHEMA = {
    "type": "object",
    "required": ["id", "kind", "title", "body_html", "url", "created_at", "read"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": [kind.value for kind in Kind]},
        "title": {"type": "string"},
        "body_html": {"type": "string", "description": "sanitised HTML of the Markdown body"},
        "url": {"type": "string", "nullable": True, "description": "where it leads on the site"},
        "created_at": {"type": "string", "format": "date-time"},
        "read": {"type": "boolean"},
    },
}
LIST_SCHEMA = list_of(NOTIFICATION_SCHEMA)
LIST_SCHEMA["required"] = [*LIST_SCHEMA["required"], "unread"]
LIST_SCHEMA["properties"]["unread"] = {"type": "integer", "description": "unread in all"}


def notification_json(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body_html": str(render_markdown(notification.body_md)),
        "url": notification.url,
        "created_at": iso(notification.created_at),
        "read": notification.read_at is not None,
    }


@bp.route("/notifications")
@permissions.authenticated
@documented(
    "My notifications, newest first (?page=&per_page=), with the unread count",
    response_schema=LIST_SCHEMA,
    tags=("notifications",),
    query=PAGING,
)
def index() -> Any:
    page, per_page = page_args()
    found = queries.page_of(current_user, page, per_page)
    return jsonify(
        {
            "items": [notification_json(item) for item in found.items],
            "total": found.total,
            "unread": queries.unread_count(current_user),
        }
    )


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@permissions.authenticated
@documented(
    "Mark one of my notifications read (again: no change)",
    response_schema=NOTIFICATION_SCHEMA,
    tags=("notifications",),
)
def read(notification_id: int) -> Any:
    notification = services.mark_read(current_user, notification_id)
    db.session.commit()
    return jsonify(notification_json(notification))


@bp.route("/notifications/read-all", methods=["POST"])
@permissions.authenticated
@documented(
    "Mark all my notifications read",
    response_schema={
        "type": "object",
        "required": ["marked", "unread"],
        "properties": {"marked": {"type": "integer"}, "unread": {"type": "integer"}},
    },
    tags=("notifications",),
)
def read_all() -> Any:
    marked = services.mark_all_read(current_user)
    db.session.commit()
    return jsonify({"marked": marked, "unread": 0})

"""JSON API for announcements: my announcements, reading and acknowledging, posting, readers."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, url_for
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.services.org_units import units_by_paths
from lms.core.api import (
    PAGING,
    documented,
    iso,
    json_body,
    list_of,
    optional_flag,
    page_args,
    require_string,
    string_list,
)
from lms.core.extensions import db
from lms.core.markup import render_markdown
from lms.notifications import announcement_queries as queries
from lms.notifications import announcements
from lms.notifications.announcement_models import Announcement
from lms.notifications.announcements import MAX_BODY, MAX_TITLE, AnnouncementDraft

bp = Blueprint("announcements_api", __name__)

TIME = {"type": "string", "format": "date-time", "nullable": True}
ANNOUNCEMENT_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "body_html", "pinned", "requires_ack", "read", "acknowledged"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "body_html": {"type": "string", "description": "sanitised HTML of the Markdown"},
        "author": {"type": "string", "nullable": True},
        "units": {
            "type": "array",
            "items": {"type": "string"},
            "description": "unit paths; empty: everyone",
        },
        "pinned": {"type": "boolean"},
        "requires_ack": {"type": "boolean"},
        "published_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string"},
        "read": {"type": "boolean"},
        "read_at": TIME,
        "acknowledged": {"type": "boolean"},
        "acknowledged_at": TIME,
    },
}
ANNOUNCEMENT_INPUT = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string", "maxLength": MAX_TITLE},
        "body": {"type": "string", "maxLength": MAX_BODY, "description": "Markdown"},
        "units": {
            "type": "array",
            "items": {"type": "string"},
            "description": "unit paths (and every unit below them); absent: everyone "
            "(organizers and admins only; unit leaders name units they lead)",
        },
        "pinned": {"type": "boolean", "default": False},
        "requires_ack": {"type": "boolean", "default": False},
    },
}
COUNTS = {
    "audience": {"type": "integer"},
    "read": {"type": "integer"},
    "acknowledged": {"type": "integer"},
}
READERS_SCHEMA = {
    "type": "object",
    "properties": {
        **COUNTS,
        "units": {
            "type": "array",
            "items": {"type": "object", "properties": {"unit": {"type": "string"}, **COUNTS}},
        },
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "unit": {"type": "string"},
                    "name": {"type": "string"},
                    "username": {"type": "string"},
                    "read_at": TIME,
                    "acknowledged_at": TIME,
                },
            },
        },
    },
}


def _json(item: queries.ReaderItem) -> dict[str, Any]:
    announcement = item.announcement
    return {
        "id": announcement.id,
        "title": announcement.title,
        "body_html": str(render_markdown(announcement.body_md)),
        "author": announcement.author.display_name if announcement.author else None,
        "units": [unit.path for unit in announcement.units],
        "pinned": announcement.is_pinned,
        "requires_ack": announcement.requires_ack,
        "published_at": iso(announcement.published_at),
        "url": url_for("announcements.show", announcement_id=announcement.id),
        "read": item.read_at is not None,
        "read_at": iso(item.read_at),
        "acknowledged": item.acknowledged_at is not None,
        "acknowledged_at": iso(item.acknowledged_at),
    }


def _item(announcement: Announcement) -> dict[str, Any]:
    receipt = announcements.receipt_of(current_user, announcement)
    return _json(
        queries.ReaderItem(
            announcement,
            receipt.read_at if receipt else None,
            receipt.acknowledged_at if receipt else None,
        )
    )


@bp.route("/announcements")
@permissions.authenticated
@documented(
    "Announcements addressed to me, pinned first, then the newest (?page=&per_page=)",
    response_schema=list_of(ANNOUNCEMENT_SCHEMA),
    tags=("announcements",),
    query=PAGING,
)
def list_announcements() -> Any:
    page, per_page = page_args()
    feed = queries.for_reader(current_user, page, per_page)
    return jsonify({"items": [_json(item) for item in feed.items], "total": feed.total})


@bp.route("/announcements", methods=["POST"])
@permissions.authenticated
@documented(
    "Publish an announcement (organizers, admins, and unit leaders for their units)",
    request_schema=ANNOUNCEMENT_INPUT,
    response_schema=ANNOUNCEMENT_SCHEMA,
    tags=("announcements",),
    status=201,
)
def create_announcement() -> Any:
    data = json_body()
    announcements.require_poster(current_user)
    draft = AnnouncementDraft(
        title=require_string(data, "title", max_length=MAX_TITLE),
        body_md=str(data.get("body") or ""),
        unit_ids=[unit.id for unit in units_by_paths(string_list(data, "units"))],
        is_pinned=optional_flag(data, "pinned", False),
        requires_ack=optional_flag(data, "requires_ack", False),
    )
    announcement = announcements.publish(current_user, draft)
    db.session.commit()
    return jsonify(_item(announcement)), 201


@bp.route("/announcements/<int:announcement_id>", methods=["PATCH"])
@permissions.authenticated
@documented(
    "Change an announcement (its author, admins); absent fields keep their values",
    request_schema={**ANNOUNCEMENT_INPUT, "required": []},
    response_schema=ANNOUNCEMENT_SCHEMA,
    tags=("announcements",),
)
def update_announcement(announcement_id: int) -> Any:
    data = json_body()
    announcement = announcements.get_managed(current_user, announcement_id)
    units = units_by_paths(string_list(data, "units")) if "units" in data else announcement.units
    draft = AnnouncementDraft(
        title=require_string(data, "title", max_length=MAX_TITLE)
        if "title" in data
        else announcement.title,
        body_md=str(data.get("body") or "") if "body" in data else announcement.body_md,
        unit_ids=[unit.id for unit in units],
        is_pinned=optional_flag(data, "pinned", announcement.is_pinned),
        requires_ack=optional_flag(data, "requires_ack", announcement.requires_ack),
    )
    announcements.update(current_user, announcement, draft)
    db.session.commit()
    return jsonify(_item(announcement))


@bp.route("/announcements/<int:announcement_id>", methods=["DELETE"])
@permissions.authenticated
@documented(
    "Withdraw an announcement (its author, admins): it is gone for every reader",
    response_schema={"type": "object", "properties": {"withdrawn": {"type": "boolean"}}},
    tags=("announcements",),
)
def withdraw_announcement(announcement_id: int) -> Any:
    announcements.withdraw(current_user, announcements.get_managed(current_user, announcement_id))
    db.session.commit()
    return jsonify({"withdrawn": True})


@bp.route("/announcements/<int:announcement_id>")
@permissions.authenticated
@documented(
    "One announcement addressed to me (opening it here does not mark it read)",
    response_schema=ANNOUNCEMENT_SCHEMA,
    tags=("announcements",),
)
def get_announcement(announcement_id: int) -> Any:
    return jsonify(_item(announcements.get_for(current_user, announcement_id)))


@bp.route("/announcements/<int:announcement_id>/read", methods=["POST"])
@permissions.authenticated
@documented(
    "Mark an announcement read", response_schema=ANNOUNCEMENT_SCHEMA, tags=("announcements",)
)
def read(announcement_id: int) -> Any:
    announcement = announcements.get_for(current_user, announcement_id)
    announcements.mark_read(current_user, announcement)
    db.session.commit()
    return jsonify(_item(announcement))


@bp.route("/announcements/<int:announcement_id>/acknowledge", methods=["POST"])
@permissions.authenticated
@documented(
    "Acknowledge an announcement that asks for it (marks it read too)",
    response_schema=ANNOUNCEMENT_SCHEMA,
    tags=("announcements",),
)
def acknowledge(announcement_id: int) -> Any:
    announcement = announcements.get_for(current_user, announcement_id)
    announcements.acknowledge(current_user, announcement)
    db.session.commit()
    return jsonify(_item(announcement))


@bp.route("/announcements/<int:announcement_id>/readers")
@permissions.authenticated
@documented(
    "Who read and acknowledged an announcement, by unit and by person (its author, admins)",
    response_schema=READERS_SCHEMA,
    tags=("announcements",),
)
def readers(announcement_id: int) -> Any:
    announcement = announcements.get_managed(current_user, announcement_id)
    tally = queries.tally(announcement)
    return jsonify(
        {
            "audience": tally.audience,
            "read": tally.read,
            "acknowledged": tally.acknowledged,
            "units": [
                {
                    "unit": row.unit,
                    "audience": row.tally.audience,
                    "read": row.tally.read,
                    "acknowledged": row.tally.acknowledged,
                }
                for row in queries.by_unit(announcement)
            ],
            "items": [
                {
                    "unit": row.unit,
                    "name": row.name,
                    "username": row.username,
                    "read_at": iso(row.read_at),
                    "acknowledged_at": iso(row.acknowledged_at),
                }
                for row in queries.readers(announcement)
            ],
        }
    )

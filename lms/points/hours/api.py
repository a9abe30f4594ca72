"""JSON API for study hours (DESIGN.md section 6): my yearly record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.core.api import BadRequestError, documented
from lms.core.errors import ValidationError
from lms.points.hours import queries, services

bp = Blueprint("study_hours_api", __name__)

ITEM_SCHEMA = {
    "type": "object",
    "required": ["date", "title", "hours", "source"],
    "properties": {
        "date": {"type": "string", "format": "date", "description": "the day it was completed"},
        "title": {"type": "string"},
        "hours": {"type": "number"},
        "source": {"type": "string", "enum": ["lesson", "activity", "course"]},
        "source_id": {"type": "integer"},
    },
}
ME_SCHEMA = {
    "type": "object",
    "required": ["year", "target", "hours", "items"],
    "properties": {
        "year": {"type": "integer"},
        "target": {"type": "number", "nullable": True, "description": "null: no target"},
        "hours": {"type": "number"},
        "reached": {"type": "boolean"},
        "items": {"type": "array", "items": ITEM_SCHEMA},
    },
}


def _year() -> int:
    text = request.args.get("year")
    if text is None:
        return queries.this_year()
    if not text.isascii() or not text.isdigit():
        raise BadRequestError(_("“year” must be a year such as 2026."), field="year")
    try:
        return services.check_year(int(text))
    except ValidationError as error:
        raise BadRequestError(error.message, field="year") from error


@bp.route("/study-hours/me")
@permissions.authenticated
@documented(
    "My study hours (学时) of a year (?year=, default this year): the target that applies, "
    "the sum and every credited item with its source",
    response_schema=ME_SCHEMA,
    tags=("points",),
    query={"year": {"type": "integer"}},
)
def me() -> Any:
    record = queries.record(current_user, _year())
    return jsonify(
        {
            "year": record.year,
            "target": record.target / 100 if record.target is not None else None,
            "hours": record.centihours / 100,
            "reached": record.reached,
            "items": [
                {
                    "date": entry.earned_on.isoformat(),
                    "title": entry.title,
                    "hours": entry.centihours / 100,
                    "source": entry.source_type,
                    "source_id": entry.source_id,
                }
                for entry in record.items
            ],
        }
    )

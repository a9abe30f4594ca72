"""JSON API for courses (DESIGN.md section 6), with exactly the rules of the pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from courses.api_schemas import (
    COURSE_INPUT,
    COURSE_SCHEMA,
    COURSE_SUMMARY,
    ID_SCHEMA,
    LESSON_SCHEMA,
    VIDEO_PROGRESS_INPUT,
)
from courses.item_kinds import KINDS
from courses.models import Course
from courses.permissions import can_create_course, can_edit_course
from courses.services import activities, authoring, catalogue, enrolment, progress, study_hours
from lms.accounts import permissions
from lms.accounts.services.org_units import units_by_paths
from lms.core.api import (
    PAGING,
    BadRequestError,
    documented,
    iso,
    json_body,
    list_of,
    optional_flag,
    page_args,
    require_moment,
    require_string,
    string_list,
)
from lms.core.errors import PermissionDeniedError
from lms.core.extensions import db
from lms.core.markup import render_markdown
from lms.core.sqlite import writes_on_get
from lms.points.hours.services import minutes_per_hour

bp = Blueprint("courses_api", __name__)


def _course_json(course: Course) -> dict[str, Any]:
    state = progress.progress_of(current_user, course)
    per_hour = minutes_per_hour()
    return {
        "id": course.id,
        "title": course.title,
        "summary_html": str(render_markdown(course.summary_md)),
        "published": course.is_published,
        "required": course.is_required,
        "due_at": iso(course.due_at),
        "tags": [tag.name for tag in course.tags],
        "units": [unit.path for unit in course.units],
        "enrolled": state.enrolment is not None,
        "progress": state.percent,
        "study_hours": study_hours.course_centihours(course) / 100,
        "completed_at": state.enrolment.completed_at.isoformat()
        if state.enrolment and state.enrolment.completed_at
        else None,
        "modules": [
            {
                "id": module.module.id,
                "title": module.module.title,
                "locked": module.locked_by is not None,
                "items": [
                    {
                        "id": i.id,
                        "kind": i.kind,
                        "title": i.title,
                        "minutes": i.minutes,
                        "study_hours": study_hours.item_centihours(i, per_hour) / 100,
                        "completed": i.id in module.done,
                    }
                    for i in module.items
                ],
            }
            for module in state.modules
        ],
    }


def _tags(data: dict[str, Any]) -> list[str]:
    tags = data.get("tags") or []
    if not isinstance(tags, list):
        raise BadRequestError(_("“tags” must be a list of strings."), field="tags")
    return authoring.parse_tags([str(tag) for tag in tags])


@bp.route("/courses")
@permissions.authenticated
@documented(
    "Courses the current user may take, with their progress",
    response_schema=list_of(COURSE_SUMMARY),
    query=PAGING,
)
def list_courses() -> Any:
    page, per_page = page_args()
    entries = catalogue.catalogue(current_user)
    chosen = entries[(page - 1) * per_page : page * per_page]
    return jsonify(
        {
            "items": [
                {
                    "id": e.course.id,
                    "title": e.course.title,
                    "summary_html": str(render_markdown(e.course.summary_md)),
                    "tags": [t.name for t in e.course.tags],
                    "required": e.course.is_required,
                    "due_at": iso(e.course.due_at),
                    "enrolled": e.enrolled,
                    "progress": e.percent if e.enrolled else None,
                }
                for e in chosen
            ],
            "total": len(entries),
        }
    )


@bp.route("/courses", methods=["POST"])
@permissions.admin
@documented("Create a course (admins)", request_schema={**COURSE_INPUT, "required": ["title"]},
            response_schema=COURSE_SCHEMA, status=201)  # fmt: skip
def create_course() -> Any:
    data = json_body()
    if not can_create_course(current_user):
        raise PermissionDeniedError(_("You may not create courses."))
    hours = study_hours.hours_in_body(data)
    course = authoring.create_course(
        title=require_string(data, "title", max_length=200),
        summary_md=str(data.get("summary") or ""),
        tags=_tags(data),
        units=units_by_paths(string_list(data, "units")),
        is_required=optional_flag(data, "required", False),
        due_at=require_moment(data, "due_at", nullable=True),
        created_by=current_user,
    )
    study_hours.apply_hours(hours, course)
    if optional_flag(data, "published", False):
        authoring.set_published(course, True)
    db.session.commit()
    return jsonify(_course_json(progress.load_course(course.id))), 201


def _editable(course_id: int) -> Course:
    course = progress.load_course(course_id)
    if course is None or not can_edit_course(current_user, course):
        # Members get 404 as for any course they may not see; editors-to-be a 403.
        progress.course_for(current_user, course_id)
        raise PermissionDeniedError(_("You may not edit this course."))
    return course


@bp.route("/courses/<int:course_id>", methods=["PATCH"])
@permissions.staff
@documented("Change a course; {published: true} publishes it", request_schema=COURSE_INPUT,
            response_schema=COURSE_SCHEMA)  # fmt: skip
def update_course(course_id: int) -> Any:
    course = _editable(course_id)
    data = json_body()
    hours = study_hours.hours_in_body(data)
    authoring.update_course(
        course,
        title=require_string(data, "title", max_length=200) if "title" in data else course.title,
        summary_md=str(data["summary"]) if "summary" in data else course.summary_md,
        tags=_tags(data) if "tags" in data else [t.name for t in course.tags],
        units=units_by_paths(string_list(data, "units")) if "units" in data else list(course.units),
        is_required=optional_flag(data, "required", course.is_required),
        due_at=require_moment(data, "due_at", nullable=True) if "due_at" in data else course.due_at,
    )
    study_hours.apply_hours(hours, course)
    if "published" in data:
        authoring.set_published(course, optional_flag(data, "published", course.is_published))
    db.session.commit()
    return jsonify(_course_json(progress.load_course(course.id)))


@bp.route("/courses/<int:course_id>")
@permissions.authenticated
@documented("A course with its modules, items and the user's progress",
            response_schema=COURSE_SCHEMA)  # fmt: skip
def get_course(course_id: int) -> Any:
    return jsonify(_course_json(progress.course_for(current_user, course_id)))


@bp.route("/courses/<int:course_id>/modules", methods=["POST"])
@permissions.staff
@documented(
    "Add a module to a course",
    request_schema={"type": "object", "required": ["title"],
                    "properties": {"title": {"type": "string"},
                                   "requires_previous": {"type": "boolean"}}},
    response_schema=ID_SCHEMA,
    status=201,
)  # fmt: skip
def add_module(course_id: int) -> Any:
    course = _editable(course_id)
    data = json_body()
    module = authoring.add_module(
        course,
        title=require_string(data, "title", max_length=200),
        requires_previous=optional_flag(data, "requires_previous", False),
    )
    db.session.commit()
    return jsonify({"id": module.id}), 201


def _int(data: dict[str, Any], key: str, default: int | None) -> int | None:
    value = data.get(key, default)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise BadRequestError(_("“%(key)s” must be a whole number.", key=key), field=key)
    return value


@bp.route("/modules/<int:module_id>/items", methods=["POST"])
@permissions.staff
@documented(
    "Add an item to a module: a lesson, an offline activity, or a quiz (by its quiz_id)",
    request_schema={"type": "object", "required": ["kind", "title"],
                    "properties": {"kind": {"type": "string",
                                            "enum": ["lesson", "quiz", "activity"]},
                                   "quiz_id": {"type": "integer",
                                               "description": "kind quiz: the quiz to add"},
                                   "title": {"type": "string"},
                                   "body": {"type": "string", "description": "Markdown"},
                                   "minutes": {"type": "integer"},
                                   "study_hours": {"type": "number", "nullable": True},
                                   "min_read_seconds": {"type": "integer"},
                                   "activity_kind": {"type": "string"},
                                   "starts_at": {"type": "string", "format": "date-time"},
                                   "ends_at": {"type": "string", "format": "date-time"},
                                   "place": {"type": "string"},
                                   "capacity": {"type": "integer"}}},
    response_schema=ID_SCHEMA,
    status=201,
)  # fmt: skip
def add_item(module_id: int) -> Any:
    module = authoring.get_module(module_id)
    _editable(module.course_id)
    data = json_body()
    kind = require_string(data, "kind", max_length=20)
    title = require_string(data, "title", max_length=200)
    hours = study_hours.hours_in_body(data)
    if kind == "activity":
        item = activities.add_activity(
            module,
            title=title,
            description_md=str(data.get("body") or ""),
            kind=require_string(data, "activity_kind", max_length=30),
            starts_at=require_moment(data, "starts_at"),
            ends_at=require_moment(data, "ends_at"),
            place=require_string(data, "place", max_length=200),
            capacity=_int(data, "capacity", None),
        )
    elif kind in KINDS and KINDS[kind].create is not None:
        item = KINDS[kind].create(module, data, current_user)
    else:
        item = authoring.add_item(
            module,
            kind=kind,
            title=title,
            body_md=str(data.get("body") or ""),
            minutes=_int(data, "minutes", 5) or 0,
            min_read_seconds=_int(data, "min_read_seconds", None),
        )
    study_hours.apply_hours(hours, item)
    db.session.commit()
    return jsonify({"id": item.id}), 201


@bp.route("/courses/<int:course_id>/enrol", methods=["POST"])
@permissions.authenticated
@documented("Enrol the current user in a course", response_schema=COURSE_SCHEMA)
def enrol(course_id: int) -> Any:
    course = progress.course_for(current_user, course_id)
    enrolment.enrol(current_user, course)
    db.session.commit()
    return jsonify(_course_json(course))


def _lesson_json(opened: progress.OpenedItem) -> dict[str, Any]:
    ready = opened.can_complete_at
    return {
        "id": opened.item.id,
        "course_id": opened.progress.course.id,
        "title": opened.item.title,
        "body_html": str(render_markdown(opened.item.body_md)),
        "minutes": opened.item.minutes,
        "completed": opened.completed,
        "can_complete_at": ready.isoformat() if ready and not opened.completed else None,
        "completed_by": "watching" if opened.by_watching else "reading",
        "video_seconds": opened.item.video_seconds if opened.item.video_upload_id else None,
        "watched_percent": opened.watched_percent,
    }


@bp.route("/lessons/<int:item_id>")
@permissions.authenticated
@writes_on_get
@documented("Read a lesson; this starts its minimum reading time", response_schema=LESSON_SCHEMA)
def get_lesson(item_id: int) -> Any:
    opened = progress.open_item(current_user, item_id)
    db.session.commit()
    return jsonify(_lesson_json(opened))


@bp.route("/lessons/<int:item_id>/complete", methods=["POST"])
@permissions.authenticated
@documented("Mark a lesson done (409 too early, or when it completes by watching)",
            response_schema=LESSON_SCHEMA)  # fmt: skip
def complete_lesson(item_id: int) -> Any:
    opened = progress.complete_lesson(current_user, item_id)
    db.session.commit()
    return jsonify(_lesson_json(opened))


@bp.route("/lessons/<int:item_id>/video-progress", methods=["POST"])
@permissions.authenticated
@documented("Report the seconds of a lesson's video played so far; at 90 % the lesson completes",
            request_schema=VIDEO_PROGRESS_INPUT, response_schema=LESSON_SCHEMA)  # fmt: skip
def report_video(item_id: int) -> Any:
    watched = progress.watched_claim(json_body().get("watched_seconds"))
    if watched is None:
        raise BadRequestError(_("Send watched_seconds as a number."), field="watched_seconds")
    opened = progress.report_video(current_user, item_id, watched)
    db.session.commit()
    return jsonify(_lesson_json(opened))

"""JSON shapes of the courses API (its OpenAPI document and its input checks)."""

from __future__ import annotations

DUE_AT = {
    "type": "string",
    "format": "date-time",
    "nullable": True,
    "description": "when a required course should be complete",
}
COURSE_INPUT = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "summary": {"type": "string", "description": "Markdown"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "units": {"type": "array", "items": {"type": "string"}, "description": "unit paths"},
        "required": {"type": "boolean"},
        "due_at": DUE_AT,
        "published": {"type": "boolean"},
        "study_hours": {"type": "number", "nullable": True, "description": "null: its items'"},
    },
}
ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "title": {"type": "string"},
        "completed": {"type": "boolean"},
    },
}
COURSE_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "enrolled", "progress", "modules"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "summary_html": {"type": "string"},
        "enrolled": {"type": "boolean"},
        "progress": {"type": "integer", "minimum": 0, "maximum": 100},
        "study_hours": {"type": "number", "description": "its own, or its items' sum"},
        "due_at": DUE_AT,
        "modules": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer"},
                    "title": {"type": "string"},
                    "locked": {"type": "boolean"},
                    "items": {"type": "array", "items": ITEM_SCHEMA},
                },
            },
        },
    },
}
ID_SCHEMA = {"type": "object", "required": ["id"], "properties": {"id": {"type": "integer"}}}
COURSE_SUMMARY = {
    "type": "object",
    "required": ["id", "title", "summary_html", "enrolled"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "summary_html": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "required": {"type": "boolean"},
        "due_at": DUE_AT,
        "enrolled": {"type": "boolean"},
        "progress": {"type": "integer", "nullable": True, "description": "when enrolled"},
    },
}
LESSON_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "body_html", "minutes", "completed"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "body_html": {"type": "string"},
        "minutes": {"type": "integer"},
        "completed": {"type": "boolean"},
        "can_complete_at": {"type": "string", "format": "date-time", "nullable": True},
        "completed_by": {"type": "string", "enum": ["reading", "watching"]},
        "video_seconds": {"type": "integer", "nullable": True},
        "watched_percent": {"type": "integer", "minimum": 0, "maximum": 100},
    },
}
VIDEO_PROGRESS_INPUT = {
    "type": "object",
    "required": ["watched_seconds"],
    "properties": {"watched_seconds": {"type": "number", "minimum": 0}},
}

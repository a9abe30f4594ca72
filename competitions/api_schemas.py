"""The OpenAPI shapes of the competitions API (requests and answers), kept apart from its
handlers so ``competitions/api.py`` reads as the endpoints."""

from __future__ import annotations

from competitions.models import UnitMetric
from lms.core.api import list_of

MOMENT = {"type": "string", "format": "date-time"}
COMPETITION_INPUT = {
    "type": "object",
    "required": ["title", "quiz_ids", "registration_opens_at", "starts_at", "ends_at"],
    "properties": {
        "title": {"type": "string"},
        "quiz_ids": {"type": "array", "items": {"type": "integer"}, "description": "the rounds"},
        "units": {"type": "array", "items": {"type": "string"}, "description": "unit paths"},
        "registration_opens_at": MOMENT,
        "starts_at": MOMENT,
        "ends_at": MOMENT,
        "unit_metric": {"type": "string", "enum": [m.value for m in UnitMetric]},
        "min_participants": {"type": "integer", "minimum": 0},
        "freeze_minutes": {"type": "integer", "minimum": 0},
        "unit_depth": {"type": "integer", "minimum": 1, "description": "1: the organisation"},
        "certificate_top_n": {"type": "integer", "minimum": 0},
        "rules": {"type": "string", "description": "Markdown"},
        "published": {"type": "boolean"},
    },
}
ENTRY_SCHEMA = {
    "type": "object",
    "description": "people: rank, name, unit, score, time_used_seconds; units: rank (null "
    "when not ranked), name, path, value (the unit metric), participants, eligible, ranked",
    "properties": {
        "rank": {"type": "integer", "nullable": True},
        "name": {"type": "string"},
        "unit": {"type": "string", "nullable": True},
        "score": {"type": "number"},
        "time_used_seconds": {"type": "integer", "nullable": True},
        "path": {"type": "string"},
        "value": {"type": "number", "nullable": True},
        "participants": {"type": "integer"},
        "eligible": {"type": "integer"},
        "ranked": {"type": "boolean"},
    },
}
SUMMARY_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "stage", "registered"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "stage": {"type": "string"},
        "published": {"type": "boolean"},
        "registration_opens_at": MOMENT,
        "starts_at": MOMENT,
        "ends_at": MOMENT,
        "registered": {"type": "boolean"},
    },
}
MY_ENTRY_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "the current user's entry, once they took a round",
    "properties": {
        "rank": {"type": "integer", "nullable": True},
        "score": {"type": "number"},
        "max_score": {"type": "number"},
        "time_used_seconds": {"type": "integer"},
        "submitted_at": {**MOMENT, "nullable": True},
        "rounds_done": {"type": "integer"},
        "disqualified": {"type": "boolean"},
        "disqualified_reason": {"type": "string", "nullable": True},
    },
}
COMPETITION_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "stage", "rules_html", "rounds", "registered"],
    "properties": {
        **SUMMARY_SCHEMA["properties"],
        "rules_html": {"type": "string"},
        "unit_metric": {"type": "string", "enum": [m.value for m in UnitMetric]},
        "min_participants": {"type": "integer"},
        "unit_depth": {"type": "integer"},
        "freeze_minutes": {"type": "integer"},
        "freeze_at": {**MOMENT, "nullable": True},
        "frozen": {"type": "boolean"},
        "results_published_at": {**MOMENT, "nullable": True},
        "units": {"type": "array", "items": {"type": "string"}},
        "rounds": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["quiz_id", "title", "position"],
                "properties": {
                    "quiz_id": {"type": "integer"},
                    "title": {"type": "string"},
                    "position": {"type": "integer"},
                },
            },
        },
        "participants": {"type": "integer"},
        "eligible": {"type": "boolean"},
        "entry": MY_ENTRY_SCHEMA,
    },
}
LIST_SCHEMA = list_of(SUMMARY_SCHEMA)
LEADERBOARD_SCHEMA = {
    "type": "object",
    "required": ["frozen", "entries"],
    "properties": {
        "scope": {"type": "string", "enum": ["people", "units"]},
        "metric": {"type": "string", "enum": [m.value for m in UnitMetric]},
        "frozen": {"type": "boolean"},
        "total": {"type": "integer"},
        "entries": {"type": "array", "items": ENTRY_SCHEMA},
        "me": {**ENTRY_SCHEMA, "nullable": True},
        "neighbours": {"type": "array", "items": ENTRY_SCHEMA},
    },
}
REGISTRATION_SCHEMA = {
    "type": "object",
    "properties": {"registered": {"type": "boolean"}, "registered_at": MOMENT},
}

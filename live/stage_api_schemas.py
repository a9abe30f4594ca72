"""The OpenAPI shapes of the stage format's JSON API (live/stage_api.py)."""

from __future__ import annotations

from live.models import LiveState, QuestionKind
from live.stage_models import EventKind, Verdict

MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {"type": ["string", "null"], "format": "date-time"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
ACTIONS = ("next", "show-answer", "open-buzzing", "freeze", "reveal", "finish", "undo")

SCORE = {
    "type": "object",
    "required": ["rank", "name", "score", "team_id"],
    "properties": {
        "rank": {"type": "integer"},
        "name": {"type": "string"},
        "score": {"type": "integer"},
        "team_id": {"type": "integer"},
    },
}
QUESTION = {
    "type": ["object", "null"],
    "description": "the current question; its answer only once the host shows it",
    "properties": {
        "index": {"type": "integer"},
        "kind": {"type": "string", "enum": [k.value for k in QuestionKind]},
        "type": {"type": "string"},
        "stem_html": {"type": "string"},
        "options": {"type": "array", "items": {"type": "string"}},
        "choices": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "text_html": {"type": "string"}},
            },
        },
        "team": {"type": ["string", "null"], "description": "the answering team"},
        "team_id": {"type": ["integer", "null"]},
        "risk_value": {"type": ["integer", "null"]},
        "buzz_open": {"type": "boolean"},
        "fouled_team_ids": {"type": "array", "items": {"type": "integer"}},
        "verdict": {"type": ["string", "null"], "enum": [v.value for v in Verdict] + [None]},
        "answer": {"type": ["string", "null"]},
    },
}
EVENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "team": {"type": "string"},
        "delta": {"type": "integer"},
        "kind": {"type": "string", "enum": [k.value for k in EventKind]},
        "reason": {"type": "string"},
        "actor": {"type": ["string", "null"]},
        "question_index": {"type": ["integer", "null"]},
        "created_at": MOMENT,
        "undone_at": NULLABLE_MOMENT,
        "undone_by": {"type": ["string", "null"]},
    },
}
STAGE_STATE = {
    "type": "object",
    "required": ["id", "version", "state", "scores", "frozen"],
    "properties": {
        "id": {"type": "integer"},
        "format": {"type": "string"},
        "version": {"type": "integer"},
        "state": {"type": "string", "enum": [s.value for s in LiveState]},
        "title": {"type": "string"},
        "pin": {"type": ["string", "null"]},
        "total": {"type": "integer"},
        "frozen": {"type": "boolean", "description": "the public scores stand still"},
        "scores": {
            "type": "array",
            "items": SCORE,
            "description": "live for the host and judges; as the big screen shows them otherwise",
        },
        "question": QUESTION,
        "log": {
            "type": "array",
            "items": EVENT,
            "description": "host and judges: every score event, newest first, undone ones too",
        },
    },
}
ACTION_INPUT = {
    "type": "object",
    "required": ["action"],
    "properties": {
        "action": {"type": "string", "enum": list(ACTIONS)},
        "after": {
            "type": ["integer", "null"],
            "description": "next: the question index the host saw (-1 in the lobby); when the "
            "session is past it already, 409 moved_on and nothing moves (a step sent twice)",
        },
        "expected": {
            "type": ["integer", "null"],
            "description": "undo: the id of the scoring action the host saw last; when another "
            "one is last by now, 409 moved_on and nothing is undone",
        },
    },
}
MARK_INPUT = {
    "type": "object",
    "required": ["verdict"],
    "properties": {
        "verdict": {"type": "string", "enum": [v.value for v in Verdict]},
        "decide": {
            "type": "boolean",
            "default": False,
            "description": "the head judge settles a disagreement",
        },
    },
}
ADJUST_INPUT = {
    "type": "object",
    "required": ["team_id", "delta", "reason"],
    "properties": {
        "team_id": ID,
        "delta": {"type": "integer", "minimum": -10_000, "maximum": 10_000},
        "reason": {"type": "string", "minLength": 1, "maxLength": 500},
    },
}
RISK_INPUT = {
    "type": "object",
    "required": ["value"],
    "properties": {"value": {"type": "integer", "minimum": 1, "maximum": 1000}},
}

"""The OpenAPI shapes of the live sessions API (issue 16 section 4), apart from its handlers."""

from __future__ import annotations

from live.models import Format, LiveState, Mode, Scoring

MOMENT = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
OPTION_ID = {"type": "string", "description": "an opaque option id of this session"}

CREATE_INPUT = {
    "type": "object",
    "description": "quiz_id or question_ids (bank questions, asked in this order)",
    "properties": {
        "quiz_id": ID,
        "question_ids": {"type": "array", "items": ID, "minItems": 1, "maxItems": 200},
        "title": {"type": "string", "maxLength": 200},
        "mode": {"type": "string", "enum": [m.value for m in Mode], "default": "individual"},
        "scoring": {"type": "string", "enum": [s.value for s in Scoring], "default": "accuracy"},
        "seconds_per_question": {"type": "integer", "minimum": 5, "maximum": 600, "default": 20},
        "guests": {"type": "boolean", "default": False},
        "streak_bonus": {"type": "boolean", "default": False},
        "team_depth": {
            "type": "integer",
            "minimum": 1,
            "maximum": 10,
            "description": "teams mode: the org units at this depth (1: the organisation)",
        },
        "teams": {
            "type": "array",
            "items": {"type": "string", "maxLength": 100},
            "description": "teams mode: teams the host names instead",
        },
        "unit": {"type": "string", "description": "the unit path of a unit leader's session"},
        "format": {"type": "string", "enum": [f.value for f in Format], "default": "hosted"},
    },
}
CREATED = {
    "type": "object",
    "required": ["id", "pin", "state"],
    "properties": {
        "id": {"type": "integer"},
        "pin": {"type": "string", "pattern": "^[0-9]{6}$"},
        "state": {"type": "string", "enum": [s.value for s in LiveState]},
        "screen_token": {"type": "string"},
    },
}
JOIN_INPUT = {
    "type": "object",
    "required": ["pin"],
    "properties": {
        "pin": {"type": "string", "pattern": "^[0-9]{6}$"},
        "nickname": {"type": "string", "maxLength": 30, "description": "guests only"},
    },
}
PLAYER = {
    "type": "object",
    "required": ["id", "name", "team"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "team": {"type": "string", "nullable": True},
        "score": {"type": "integer"},
    },
}
JOINED = {
    "type": "object",
    "required": ["session_id", "player"],
    "properties": {"session_id": {"type": "integer"}, "player": PLAYER},
}
ENTRY = {
    "type": "object",
    "required": ["rank", "name", "team", "score"],
    "properties": {
        "rank": {"type": "integer"},
        "name": {"type": "string"},
        "team": {"type": "string", "nullable": True},
        "score": {"type": "integer"},
        "player_id": {"type": "integer", "nullable": True},
        "team_id": {"type": "integer", "nullable": True},
    },
}
QUESTION = {
    "type": "object",
    "required": ["index", "type", "stem_html", "options", "seconds_left"],
    "properties": {
        "index": {"type": "integer"},
        "type": {"type": "string"},
        "kind": {"type": "string"},
        "stem_html": {"type": "string"},
        "options": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "text_html"],
                "properties": {"id": OPTION_ID, "text_html": {"type": "string"}},
            },
        },
        "seconds": {"type": "integer"},
        "seconds_left": {"type": "number", "nullable": True},
        "deadline": MOMENT,
        "paused": {"type": "boolean"},
        "answered": {"type": "integer", "description": "how many answered so far"},
    },
}
STATE = {
    "type": "object",
    "required": ["id", "state", "players"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "state": {"type": "string", "enum": [s.value for s in LiveState]},
        "version": {"type": "integer"},
        "pin": {"type": "string"},
        "index": {"type": "integer", "description": "the current question (-1 in the lobby)"},
        "total": {"type": "integer"},
        "player_count": {"type": "integer"},
        "players": {"type": "array", "items": PLAYER, "description": "lobby: latest joiners"},
        "question": QUESTION,
        "reveal": {
            "type": "object",
            "properties": {
                "correct": {"type": "array", "items": OPTION_ID},
                "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
        },
        "leaderboard": {"type": "array", "items": ENTRY},
        "teams": {"type": "array", "items": ENTRY},
        "me": {
            "type": "object",
            "properties": {
                "score": {"type": "integer"},
                "rank": {"type": "integer"},
                "answered": {"type": "boolean"},
                "correct": {"type": "boolean"},
                "points": {"type": "integer"},
            },
        },
    },
}
ANSWER_INPUT = {
    "type": "object",
    "required": ["index", "answer"],
    "properties": {
        "index": {"type": "integer", "minimum": 0},
        "answer": {
            "description": "an option id; multiple choice: a list of them; true/false: an "
            "option id or true|false",
            "oneOf": [OPTION_ID, {"type": "array", "items": OPTION_ID}, {"type": "boolean"}],
        },
    },
}
ACCEPTED = {
    "type": "object",
    "required": ["accepted", "received_at"],
    "properties": {"accepted": {"type": "boolean"}, "received_at": MOMENT},
}
INDEX_INPUT = {
    "type": "object",
    "required": ["index"],
    "properties": {"index": {"type": "integer", "minimum": 0}},
}
BUZZED = {
    "type": "object",
    "required": ["order"],
    "properties": {
        "order": {"type": "integer", "nullable": True, "description": "1 wins; null: a foul"},
        "foul": {"type": "boolean"},
        "received_at": MOMENT,
    },
}
BUZZING_INPUT = {
    "type": "object",
    "required": ["index", "open"],
    "properties": {"index": {"type": "integer", "minimum": 0}, "open": {"type": "boolean"}},
}
EXTEND_INPUT = {
    "type": "object",
    "required": ["seconds"],
    "properties": {"seconds": {"type": "integer", "minimum": 1, "maximum": 300}},
}
LEADERBOARD = {
    "type": "object",
    "required": ["entries"],
    "properties": {
        "entries": {"type": "array", "items": ENTRY},
        "teams": {"type": "array", "items": ENTRY},
    },
}
REPORT = {
    "type": "object",
    "required": ["units"],
    "properties": {
        "units": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "unit": {"type": "string", "nullable": True},
                    "players": {"type": "integer"},
                    "average": {"type": "number"},
                    "total": {"type": "integer"},
                    "members": {"type": "array", "items": ENTRY},
                },
            },
        }
    },
}

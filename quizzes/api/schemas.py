"""OpenAPI schemas of the quizzes API."""

from __future__ import annotations

from lms.core.api import list_of
from quizzes.models import Feedback, Grading, ReviewWhen

TAGS = ("quizzes",)

WHEN = [str(w) for w in ReviewWhen]
SLOT_INPUT = {
    "type": "object",
    "description": "a fixed question {question_id, mark} or a draw {category, count, mark}",
    "properties": {
        "question_id": {"type": "integer"},
        "category": {"type": "string", "description": "category path"},
        "include_subcategories": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "difficulty": {"type": "integer", "minimum": 1, "maximum": 5},
        "type": {"type": "string"},
        "count": {"type": "integer"},
        "mark": {"type": "number"},
    },
}
QUIZ_INPUT = {
    "type": "object",
    "required": ["title", "slots"],
    "properties": {
        "title": {"type": "string"},
        "description": {"type": "string", "description": "Markdown"},
        "time_limit_seconds": {"type": "integer", "nullable": True},
        "grace_seconds": {"type": "integer"},
        "opens_at": {"type": "string", "format": "date-time", "nullable": True},
        "closes_at": {"type": "string", "format": "date-time", "nullable": True},
        "max_attempts": {"type": "integer", "nullable": True, "description": "null: unlimited"},
        "grading": {"type": "string", "enum": [str(g) for g in Grading]},
        "feedback": {"type": "string", "enum": [str(f) for f in Feedback]},
        "review": {"type": "string", "enum": WHEN, "description": "sets the three below"},
        "review_marks": {"type": "string", "enum": WHEN},
        "review_answers": {"type": "string", "enum": WHEN},
        "review_explanations": {"type": "string", "enum": WHEN},
        "shuffle_questions": {"type": "boolean"},
        "shuffle_options": {"type": "boolean"},
        "one_per_page": {"type": "boolean"},
        "pass_percent": {"type": "number", "nullable": True},
        "units": {"type": "array", "items": {"type": "string"}, "description": "unit paths"},
        "published": {"type": "boolean"},
        "slots": {"type": "array", "items": SLOT_INPUT},
    },
}
ATTEMPT_SUMMARY = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "number": {"type": "integer"},
        "state": {"type": "string", "enum": ["in_progress", "finished"]},
        "started_at": {"type": "string", "format": "date-time"},
        "deadline": {"type": "string", "format": "date-time", "nullable": True},
        "submitted_at": {"type": "string", "format": "date-time", "nullable": True},
        "score": {"type": "number", "description": "only when the review rules show marks"},
        "max_score": {"type": "number"},
    },
}
REVIEW_SCHEMA = {
    "type": "object",
    "description": "when marks, answers and explanations are shown",
    "properties": {
        "marks": {"type": "string", "enum": WHEN},
        "answers": {"type": "string", "enum": WHEN},
        "explanations": {"type": "string", "enum": WHEN},
    },
}
QUIZ_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "open", "attempts_used", "attempts_left", "attempts"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "description_html": {"type": "string"},
        "published": {"type": "boolean"},
        "time_limit_seconds": {"type": "integer", "nullable": True},
        "grace_seconds": {"type": "integer"},
        "opens_at": {"type": "string", "format": "date-time", "nullable": True},
        "closes_at": {"type": "string", "format": "date-time", "nullable": True},
        "max_attempts": {"type": "integer", "nullable": True},
        "grading": {"type": "string"},
        "feedback": {"type": "string"},
        "review": REVIEW_SCHEMA,
        "question_count": {"type": "integer"},
        "total_marks": {"type": "number"},
        "open": {"type": "boolean"},
        "closed": {"type": "boolean"},
        "attempts_used": {"type": "integer"},
        "attempts_left": {"type": "integer", "nullable": True, "description": "null: unlimited"},
        "attempts": {"type": "array", "items": ATTEMPT_SUMMARY},
        "slots": {"type": "array", "items": SLOT_INPUT, "description": "managers only"},
    },
}
LIST_SCHEMA = list_of(QUIZ_SCHEMA)
OPTION_SCHEMA = {
    "type": "object",
    "required": ["id", "text_html"],
    "properties": {"id": {"type": "string"}, "text_html": {"type": "string"}},
}
ITEM_SCHEMA = {
    "type": "object",
    "properties": {
        "slot": {"type": "integer"},
        "type": {"type": "string"},
        "stem_html": {"type": "string"},
        "options": {"type": "array", "items": OPTION_SCHEMA},
        "blanks": {"type": "integer"},
        "left": {"type": "array", "items": OPTION_SCHEMA, "description": "matching"},
        "right": {"type": "array", "items": OPTION_SCHEMA, "description": "matching"},
        "answer": {"description": "the member's answer in this attempt's option ids"},
        "sequence": {"type": "integer"},
        "flagged": {"type": "boolean"},
    },
}
ATTEMPT_SCHEMA = {
    "type": "object",
    "required": ["id", "state", "deadline", "items"],
    "properties": {
        "id": {"type": "integer"},
        "quiz_id": {"type": "integer"},
        "state": {"type": "string", "enum": ["in_progress", "finished"]},
        "deadline": {"type": "string", "format": "date-time", "nullable": True},
        "accepts_until": {"type": "string", "format": "date-time", "nullable": True},
        "seconds_left": {"type": "integer", "nullable": True},
        "server_time": {"type": "string", "format": "date-time"},
        "score": {"type": "number", "description": "only when the review rules show marks"},
        "max_score": {"type": "number"},
        "items": {"type": "array", "items": ITEM_SCHEMA},
    },
}
ANSWER_INPUT = {
    "type": "object",
    "required": ["answer", "sequence"],
    "properties": {
        "answer": {
            "description": 'single_choice "optid"; multiple_choice ["optid"]; true_false '
            'bool; fill_blank ["text"] per blank; numerical number; matching '
            '{"leftid": "rightid"}; short_answer "text"; null clears'
        },
        "sequence": {"type": "integer", "minimum": 1},
    },
}
SAVED_SCHEMA = {
    "type": "object",
    "required": ["saved_at", "sequence", "stale"],
    "properties": {
        "saved_at": {"type": "string", "format": "date-time", "nullable": True},
        "sequence": {"type": "integer", "description": "the sequence now stored"},
        "stale": {"type": "boolean", "description": "a save with a higher sequence won"},
        "answer": {"description": "the answer now stored"},
    },
}
FLAG_INPUT = {"type": "object", "required": ["flagged"],
              "properties": {"flagged": {"type": "boolean"}}}  # fmt: skip


# -- reading the request ---------------------------------------------------------------------

"""JSON API of the question bank (organizers and admins; DESIGN.md section 6)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.core.api import (
    PAGING,
    BadRequestError,
    documented,
    json_body,
    list_of,
    page_args,
    require_string,
)
from lms.core.errors import ValidationError
from lms.core.extensions import db
from question_bank.models import Question
from question_bank.services import categories, questions
from question_bank.services.listing import QuestionFilter, question_query
from question_bank.services.questions import QuestionContent
from question_bank.types import registered_types

bp = Blueprint("questions_api", __name__)

DEFINITION = {
    "type": "object",
    "additionalProperties": True,
    "description": "by type: single_choice/multiple_choice {options: [{id?, text, feedback?}], "
    "correct, scoring?, penalty?}; true_false {correct}; fill_blank {blanks: [[text]]}; "
    "numerical {answers: [{value, tolerance}], units?}; matching {pairs: [{left, right}]}; "
    "short_answer {reference?}",
}
QUESTION_SCHEMA = {
    "type": "object",
    "required": ["id", "type", "category", "version", "stem", "difficulty", "default_mark", "tags"],
    "properties": {
        "id": {"type": "integer"},
        "type": {"type": "string"},
        "category": {"type": "string", "description": "category path"},
        "version": {"type": "integer"},
        "stem": {"type": "string", "description": "Markdown"},
        "difficulty": {"type": "integer"},
        "default_mark": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "definition": DEFINITION,
        "explanation": {"type": "string"},
        "retired": {"type": "boolean"},
    },
}
QUESTION_INPUT = {
    "type": "object",
    "required": ["type", "category", "stem", "definition"],
    "properties": {
        "type": {"type": "string", "enum": list(registered_types())},
        "category": {"type": "string", "description": "category path; created when missing"},
        "stem": {"type": "string", "description": "Markdown"},
        "definition": DEFINITION,
        "explanation": {"type": "string", "description": "Markdown"},
        "difficulty": {"type": "integer", "minimum": 1, "maximum": 5},
        "default_mark": {"type": "number"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "title": {"type": "string"},
        "source": {"type": "string"},
    },
}
LIST_QUERY = {
    **PAGING,
    "category": {"type": "string", "description": "category path"},
    "type": {"type": "string", "enum": list(registered_types())},
    "tag": {"type": "string"},
    "difficulty": {"type": "integer", "minimum": 1, "maximum": 5},
    "retired": {"type": "string", "enum": ["no", "yes", "all"]},
    "q": {"type": "string", "description": "text in the stem"},
}


def question_json(question: Question) -> dict[str, Any]:
    version = question.current
    return {
        "id": question.id,
        "type": version.type,
        "category": question.category.path,
        "version": version.number,
        "title": version.title,
        "stem": version.stem_md,
        "difficulty": version.difficulty,
        "default_mark": version.default_mark,
        "tags": [tag.name for tag in question.tags],
        "definition": version.definition,
        "explanation": version.explanation_md,
        "source": version.source,
        "retired": question.is_retired,
    }


@bp.route("/questions")
@permissions.staff
@documented(
    "Questions of the bank, filtered by ?category=path&type=&tag=&difficulty=",
    response_schema=list_of(QUESTION_SCHEMA),
    query=LIST_QUERY,
)
def list_questions() -> Any:
    page, per_page = page_args()
    category = None
    if request.args.get("category"):
        category = categories.by_path(request.args["category"])
        if category is None:
            raise ValidationError(_("This category does not exist."), field="category")
    filters = QuestionFilter(
        category_id=category.id if category else None,
        type=request.args.get("type", ""),
        tag=request.args.get("tag", ""),
        difficulty=request.args.get("difficulty", type=int),
        retired=request.args.get("retired", "no"),
        text=request.args.get("q", "")[:100],
    )
    query = question_query(filters, category.path if category else None)
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify({"items": [question_json(q) for q in found.items], "total": found.total})


def _content(data: dict[str, Any]) -> QuestionContent:
    definition = data.get("definition")
    if not isinstance(definition, dict):
        raise BadRequestError(_("“definition” must be an object."), field="definition")
    difficulty = data.get("difficulty", 3)
    mark = data.get("default_mark", 1)
    if isinstance(difficulty, bool) or not isinstance(difficulty, int):
        raise BadRequestError(_("“%(key)s” must be a whole number.", key="difficulty"))
    if isinstance(mark, bool) or not isinstance(mark, int | float):
        raise BadRequestError(_("“%(key)s” must be a number.", key="default_mark"))
    return QuestionContent(
        type=require_string(data, "type", max_length=30),
        stem_md=require_string(data, "stem", max_length=20_000),
        definition=definition,
        explanation_md=str(data.get("explanation") or ""),
        difficulty=difficulty,
        default_mark=float(mark),
        title=str(data.get("title") or ""),
        source=str(data.get("source") or ""),
    )


@bp.route("/questions", methods=["POST"])
@permissions.staff
@documented(
    "Add a question: {type, category (path; created when missing), stem, definition, "
    "explanation?, difficulty?, default_mark?, tags?}",
    request_schema=QUESTION_INPUT,
    response_schema=QUESTION_SCHEMA,
    status=201,
)
def create_question() -> Any:
    data = json_body()
    category = categories.ensure_path(require_string(data, "category", max_length=1000))
    tags = data.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadRequestError(_("“tags” must be a list of strings."), field="tags")
    question = questions.create_question(category, _content(data), tags=tags, by=current_user)
    db.session.commit()
    return jsonify(question_json(question)), 201

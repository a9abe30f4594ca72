"""An attempt as pages and the API show it. Only what the review rules allow is included:
before that, an item carries its stem, opaque option tokens and the member's own answer."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from lms.core.api import iso
from lms.core.clock import utcnow
from lms.core.markup import render_markdown
from question_bank.models import QuestionVersion
from question_bank.render import option_html, stem_html
from question_bank.types import get_type
from question_bank.types.matching import right_texts
from quizzes.models import Attempt, AttemptItem, State
from quizzes.services import grading, responses, timing
from quizzes.services.review import Visibility, item_visibility, visibility


def _pairs(
    pairs: list[list[str]], texts: dict[str, str], version: QuestionVersion
) -> list[dict[str, str]]:
    return [
        {"id": token, "text_html": str(option_html(version, texts.get(real, "")))}
        for token, real in pairs
    ]


def item_view(attempt: Attempt, item: AttemptItem, shown: Visibility) -> dict[str, Any]:
    version = item.version
    definition = version.definition
    view: dict[str, Any] = {
        "slot": item.slot,
        "type": version.type,
        "type_label": str(get_type(version.type).label),
        "stem_html": str(stem_html(version)),
        "mark": item.mark,
        "answer": responses.to_client(item, item.response),
        "sequence": item.sequence,
        "saved_at": iso(item.saved_at),
        "flagged": item.is_flagged,
        "checked": item.checked_at is not None,
    }
    if version.type in ("single_choice", "multiple_choice"):
        texts = {o["id"]: o["text"] for o in definition["options"]}
        view["options"] = _pairs(item.choices["options"], texts, version)
    elif version.type == "true_false":
        view["options"] = []
    elif version.type == "fill_blank":
        view["blanks"] = len(definition["blanks"])
    elif version.type == "matching":
        view["left"] = _pairs(
            item.choices["left"], {p["id"]: p["left"] for p in definition["pairs"]}, version
        )
        view["right"] = _pairs(item.choices["right"], right_texts(definition), version)
    elif version.type == "numerical" and definition.get("units"):
        view["units"] = list(definition["units"])
    if shown.marks:
        view["score"] = item.score
        view["fraction"] = item.fraction
        view["correct"] = grading.is_correct(item)
        view["comment"] = item.comment or None
    if shown.answers:
        kind = get_type(version.type)
        correct = kind.correct_response(definition)
        view["correct_answer"] = responses.to_client(item, correct)
        view["correct_answer_text"] = kind.summary(definition, correct)
        if version.type == "fill_blank":
            view["accepted_answers"] = definition["blanks"]
        if version.type in ("single_choice", "multiple_choice"):
            feedback = {o["id"]: o.get("feedback") for o in definition["options"]}
            view["option_feedback"] = {
                token: feedback[real] for token, real in item.choices["options"] if feedback[real]
            }
            view["option_feedback_html"] = {
                token: str(option_html(version, text))
                for token, text in view["option_feedback"].items()
            }
    if shown.explanations:
        view["explanation_html"] = str(render_markdown(version.explanation_md))
    return view


def attempt_view(attempt: Attempt, viewer: Any) -> dict[str, Any]:
    """The attempt for ``viewer``: the API's body and the pages' data."""
    now = utcnow()
    shown = visibility(attempt, viewer, now)
    quiz = attempt.quiz
    view: dict[str, Any] = {
        "id": attempt.id,
        "quiz_id": attempt.quiz_id,
        "mode": attempt.mode,
        "number": attempt.number,
        "state": attempt.state,
        "started_at": iso(attempt.started_at),
        "deadline": iso(attempt.deadline_at),
        "accepts_until": iso(timing.last_moment(attempt)),
        "seconds_left": timing.seconds_left(attempt, now)
        if attempt.state == State.IN_PROGRESS
        else None,
        "server_time": iso(now),
        "submitted_at": iso(attempt.submitted_at),
        "finished_by": attempt.finished_by,
        "feedback": quiz.feedback if quiz else "immediate",
        "review": {
            "marks": shown.marks,
            "answers": shown.answers,
            "explanations": shown.explanations,
        },
        "items": [
            item_view(attempt, item, item_visibility(attempt, item, shown))
            for item in attempt.items
        ],
    }
    if shown.marks:
        view["score"] = attempt.score
        view["max_score"] = attempt.max_score
        view["percent"] = attempt.percent
        view["needs_grading"] = attempt.needs_grading
        if quiz is not None:
            view["passed"] = grading.passed(quiz, attempt) if grading.has_pass_mark(quiz) else None
    return view


def explanation(item: AttemptItem) -> Markup:
    return render_markdown(item.version.explanation_md)

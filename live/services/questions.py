"""A session's questions: drawn once at creation (a quiz's fixed slots and random draws, or a
list of bank questions), with opaque option tokens per session, and answers read through them.

Drawing and reading answers reuse the quiz engine (``quizzes.services.drawing`` and
``responses``); grading is the question type's own. True/false questions get two tokens too, so
phones show two buttons and the reveal counts them like any option.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from live.models import Format, LiveQuestion
from lms.core.errors import ValidationError
from lms.core.extensions import db
from question_bank.models import Question, QuestionVersion
from question_bank.render import option_html
from question_bank.types import get_type
from quizzes.models import Quiz
from quizzes.services import drawing, responses

# Types a phone answers with a tap, graded at once; a stage session's judges mark any type.
HOSTED_TYPES = ("single_choice", "multiple_choice", "true_false")
MAX_QUESTIONS = 200
TRUE_FALSE = ("true", "false")


def accepts(format: str, type_key: str) -> bool:
    return format == Format.STAGE or type_key in HOSTED_TYPES


def _choices(version: QuestionVersion, drawn: dict[str, Any]) -> dict[str, Any]:
    if version.type == "true_false":
        return {"options": [[secrets.token_urlsafe(6), value] for value in TRUE_FALSE]}
    return drawn


def draw(
    *, quiz: Quiz | None, question_ids: list[int] | None, format: str
) -> list[tuple[QuestionVersion, dict[str, Any]]]:
    """The versions and option tokens of a new session, in the order they are asked."""
    seed = drawing.new_seed()
    if quiz is not None:
        drawn = drawing.draw_quiz(quiz, seed)
    elif question_ids:
        _check_ids(question_ids)
        drawn = drawing.draw_questions(question_ids, seed)
    else:
        raise ValidationError(_("Choose a quiz or at least one question."), field="question_ids")
    if not drawn:
        raise ValidationError(_("The quiz has no questions."), field="quiz_id")
    if len(drawn) > MAX_QUESTIONS:
        raise ValidationError(
            _("A live session has at most %(n)d questions.", n=MAX_QUESTIONS), field="question_ids"
        )
    refused = sorted({d.version.type for d in drawn if not accepts(format, d.version.type)})
    if refused:
        raise ValidationError(
            _(
                "A live session asks single choice, multiple choice and true/false questions; "
                "these types cannot be answered live: %(types)s.",
                types=", ".join(str(get_type(key).label) for key in refused),
            ),
            code="unsupported_type",
            field="quiz_id" if quiz is not None else "question_ids",
        )
    return [(d.version, _choices(d.version, d.choices)) for d in drawn]


def _check_ids(question_ids: list[int]) -> None:
    if len(question_ids) > MAX_QUESTIONS:
        raise ValidationError(
            _("A live session has at most %(n)d questions.", n=MAX_QUESTIONS), field="question_ids"
        )
    if len(set(question_ids)) != len(question_ids):
        raise ValidationError(_("A question is listed twice."), field="question_ids")
    found = set(
        db.session.scalars(
            select(Question.id).where(
                Question.id.in_(question_ids),
                Question.is_retired.is_(False),
                Question.current_version_id.is_not(None),
            )
        )
    )
    missing = [qid for qid in question_ids if qid not in found]
    if missing:
        raise ValidationError(
            _("There is no question %(id)s.", id=missing[0]), field="question_ids"
        )


# -- what a page shows, and reading answers --------------------------------------------------


def options_view(question: LiveQuestion) -> list[dict[str, str]]:
    """The options as phones and the big screen show them: opaque ids and texts, no flags."""
    version = question.version
    pairs = question.choices.get("options", [])
    if version.type == "true_false":
        labels = {"true": _("True"), "false": _("False")}
        return [{"id": token, "text_html": labels[value]} for token, value in pairs]
    texts = {o["id"]: o["text"] for o in version.definition.get("options", [])}
    return [
        {"id": token, "text_html": str(option_html(version, texts.get(real, "")))}
        for token, real in pairs
    ]


def read_answer(question: LiveQuestion, answer: Any) -> tuple[Any, list[str]]:
    """(the response the question type grades, the tokens picked) from a phone's answer: an
    option id, a list of them (multiple choice), or for true/false also true or false."""
    if question.version.type == "true_false":
        lookup = dict(question.choices["options"])
        if isinstance(answer, bool):
            token = next(t for t, v in question.choices["options"] if v == str(answer).lower())
            return answer, [token]
        if not isinstance(answer, str) or answer not in lookup:
            raise ValidationError(_("Choose one of the options."), field="answer")
        return lookup[answer] == "true", [answer]
    if answer is None:
        raise ValidationError(_("Choose one of the options."), field="answer")
    response = responses.from_client(question, answer)  # type: ignore[arg-type]
    tokens = [answer] if isinstance(answer, str) else list(dict.fromkeys(answer))
    return response, tokens


def correct_tokens(question: LiveQuestion) -> list[str]:
    """The option ids of the right answer (shown only from the reveal on)."""
    version = question.version
    correct = get_type(version.type).correct_response(version.definition)
    if version.type == "true_false":
        correct = "true" if correct else "false"
    wanted = set(correct) if isinstance(correct, list) else {correct}
    return [token for token, real in question.choices.get("options", []) if real in wanted]

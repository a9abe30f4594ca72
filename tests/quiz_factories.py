"""Building quizzes for tests through the real services: a small bank and a quiz over it."""

from __future__ import annotations

from typing import Any

from question_bank.models import Question
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Quiz
from quizzes.services import authoring
from quizzes.services.authoring import QuizSettings, SlotSpec

# One question of every type a member answers; each with the answer a test gives to be right.
SAMPLE_QUESTIONS: list[tuple[QuestionContent, Any]] = [
    (
        QuestionContent(
            type="single_choice",
            stem_md="Capital of France?",
            definition={
                "options": [
                    {"id": "a", "text": "Paris", "feedback": "Yes, Paris."},
                    {"id": "b", "text": "Lyon"},
                    {"id": "c", "text": "Nice"},
                ],
                "correct": "a",
            },
            explanation_md="Paris has been the capital since 987.",
        ),
        "Paris",
    ),
    (
        QuestionContent(
            type="multiple_choice",
            stem_md="Prime numbers?",
            definition={
                "options": [
                    {"id": "a", "text": "2"},
                    {"id": "b", "text": "3"},
                    {"id": "c", "text": "4"},
                ],
                "correct": ["a", "b"],
            },
        ),
        ["2", "3"],
    ),
    (
        QuestionContent(
            type="true_false", stem_md="The sky is blue.", definition={"correct": True}
        ),
        True,
    ),
    (
        QuestionContent(
            type="fill_blank",
            stem_md="Water boils at {{1}} degrees.",
            definition={"blanks": [["100", "一百"]]},
        ),
        ["100"],
    ),
    (
        QuestionContent(
            type="numerical",
            stem_md="Pi to two decimals?",
            definition={"answers": [{"value": 3.14, "tolerance": 0.005, "fraction": 1.0}]},
        ),
        3.14,
    ),
    (
        QuestionContent(
            type="matching",
            stem_md="Match the countries and capitals.",
            definition={
                "pairs": [
                    {"id": "p1", "left": "China", "right": "Beijing"},
                    {"id": "p2", "left": "Japan", "right": "Tokyo"},
                ]
            },
        ),
        {"China": "Beijing", "Japan": "Tokyo"},
    ),
    (
        QuestionContent(
            type="short_answer", stem_md="Describe a quiz.", definition={"reference": "A test."}
        ),
        "It is a short test.",
    ),
]


def make_bank(path: str = "Quiz bank", types: tuple[str, ...] | None = None) -> list[Question]:
    category = categories.ensure_path(path)
    made = []
    for content, _answer in SAMPLE_QUESTIONS:
        if types is None or content.type in types:
            made.append(questions.create_question(category, content))
    return made


def make_quiz(
    bank: list[Question] | None = None, *, published: bool = True, **settings: Any
) -> Quiz:
    """A quiz with one fixed slot per question of ``bank`` (a fresh bank when not given)."""
    bank = bank if bank is not None else make_bank()
    quiz = authoring.create_quiz(
        QuizSettings(title=settings.pop("title", "Sample quiz"), **settings),
        [SlotSpec(question_id=question.id, mark=2.0) for question in bank],
    )
    if published:
        authoring.set_published(quiz, True)
    return quiz


def right_answer(item_view: dict[str, Any]) -> Any:
    """The right answer to an item as the browser would send it, found by the option texts."""
    stem = item_view["stem_html"]
    wanted = next(answer for content, answer in SAMPLE_QUESTIONS if content.stem_md[:12] in stem)
    if item_view["type"] == "single_choice":
        return next(o["id"] for o in item_view["options"] if o["text_html"] == wanted)
    if item_view["type"] == "multiple_choice":
        return [o["id"] for o in item_view["options"] if o["text_html"] in wanted]
    if item_view["type"] == "matching":
        right = {o["text_html"]: o["id"] for o in item_view["right"]}
        return {o["id"]: right[wanted[o["text_html"]]] for o in item_view["left"]}
    return wanted

"""Answering a live session's questions right or wrong, by their hidden option ids."""

from __future__ import annotations

from typing import Any

from live.models import LiveQuestion
from live.services import questions


def right(question: LiveQuestion) -> Any:
    tokens = questions.correct_tokens(question)
    return tokens if question.version.type == "multiple_choice" else tokens[0]


def wrong(question: LiveQuestion) -> Any:
    correct = set(questions.correct_tokens(question))
    token = next(t for t, _real in question.choices["options"] if t not in correct)
    return [token] if question.version.type == "multiple_choice" else token

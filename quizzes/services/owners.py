"""Quizzes that belong to something above quizzes (a competition's rounds).

Quizzes never import the packages above them: each registers a lookup here at import (as
``START_GUARDS``), which answers, for a quiz id, the ``Owner`` of that quiz or None. The owner
says where a member taking the quiz comes from and goes back to, and until when nothing of
the quiz's attempts may be revealed to them (marks, answers, explanations), whatever the quiz's
own review settings say. Lookups are asked on every review, so they must be cheap (cached).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lms.core.clock import utcnow


@dataclass(frozen=True)
class Owner:
    """What owns a quiz, as the quiz pages show it."""

    title: str  # e.g. the competition's title
    endpoint: str  # the owner's page, for url_for
    values: dict[str, Any] = field(default_factory=dict)
    part: str = ""  # what the quiz is there, e.g. "Round 2"
    review_held_until: datetime | None = None  # nothing is revealed before this moment


OWNER_LOOKUPS: list[Callable[[int], Owner | None]] = []


def owner_of(quiz_id: int | None) -> Owner | None:
    """The owner of the quiz (None: a quiz of its own, or no quiz at all)."""
    if quiz_id is None:
        return None
    for lookup in OWNER_LOOKUPS:
        owner = lookup(quiz_id)
        if owner is not None:
            return owner
    return None


def held_until(quiz_id: int | None, now: datetime | None = None) -> datetime | None:
    """When the review of the quiz's attempts may start, if that is still to come."""
    owner = owner_of(quiz_id)
    if owner is None or owner.review_held_until is None:
        return None
    return owner.review_held_until if (now or utcnow()) < owner.review_held_until else None

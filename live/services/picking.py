"""Picking bank questions for a live session: N at random from a category (and the ones below
it), among the types a phone answers with a tap."""

from __future__ import annotations

import random

from flask_babel import gettext as _

from live.services.questions import HOSTED_TYPES
from lms.core.errors import ValidationError
from lms.core.extensions import db
from question_bank.models import QuestionCategory, QuestionVersion
from quizzes.services import drawing

MAX_PICK = 100


def pick_questions(category: QuestionCategory, count: int) -> list[int]:
    """Ids of ``count`` questions drawn at random from ``category``; refused when it has fewer."""
    if not 1 <= count <= MAX_PICK:
        raise ValidationError(_("Pick 1 to %(n)d questions.", n=MAX_PICK), field="count")
    query = drawing.candidates_query(category=category).where(
        QuestionVersion.type.in_(HOSTED_TYPES)
    )
    ids = list(db.session.scalars(query))
    if len(ids) < count:
        raise ValidationError(
            _(
                "This category has %(n)d questions a phone can answer (single choice, multiple "
                "choice, true/false); pick at most that many.",
                n=len(ids),
            ),
            field="count",
        )
    return random.SystemRandom().sample(ids, count)

"""Rounds belong to their competition: the quiz pages lead members back to it, and reveal
nothing of a round's attempts (marks, answers, explanations) before the competition ends,
whatever the round's quiz says. Registered with ``quizzes.services.owners`` at import."""

from __future__ import annotations

from flask_babel import gettext as _

from competitions.services.round_facts import is_round, round_facts
from quizzes.services.owners import OWNER_LOOKUPS, Owner


def round_owner(quiz_id: int) -> Owner | None:
    """The competition of the round ``quiz_id`` is (None: no round); cached per process."""
    facts = round_facts(quiz_id) if is_round(quiz_id) else None
    if facts is None:
        return None
    number = next(i for i, quiz in enumerate(facts.quizzes, start=1) if quiz.id == quiz_id)
    return Owner(
        title=facts.title,
        endpoint="competitions.show",
        values={"competition_id": facts.id},
        part=_("Round %(n)d", n=number),
        review_held_until=facts.ends_at,
    )


OWNER_LOOKUPS.append(round_owner)

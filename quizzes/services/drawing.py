"""Drawing an attempt's questions from a quiz's slots, and presenting their options opaquely.

Everything random comes from the attempt's seed, so a draw can be explained afterwards; option
tokens are random per attempt, so nothing a browser sees tells which option is which.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, literal, or_, select
from sqlalchemy.orm import contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from lms.core.errors import ConflictError
from lms.core.extensions import db
from question_bank.models import (
    Question,
    QuestionCategory,
    QuestionTag,
    QuestionVersion,
    question_tag_links,
)
from quizzes.models import Quiz, QuizSlot

CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})


@dataclass(frozen=True)
class Drawn:
    version: QuestionVersion
    mark: float
    quiz_slot_id: int | None
    choices: dict[str, Any]


def new_seed() -> int:
    return secrets.randbelow(2**31 - 1)


def _token() -> str:
    return secrets.token_urlsafe(6)


def present_choices(version: QuestionVersion, rng: random.Random, shuffle: bool) -> dict[str, Any]:
    """Opaque tokens for a version's options in the order shown; matching's right side is
    always shuffled, or its order would give the answer away."""
    definition = version.definition
    if version.type in CHOICE_TYPES:
        ids = [option["id"] for option in definition["options"]]
        if shuffle:
            rng.shuffle(ids)
        return {"options": [[_token(), option_id] for option_id in ids]}
    if version.type == "matching":
        left = [pair["id"] for pair in definition["pairs"]]
        right = [*left, *(item["id"] for item in definition.get("distractors", []))]
        if shuffle:
            rng.shuffle(left)
        rng.shuffle(right)
        return {
            "left": [[_token(), pair_id] for pair_id in left],
            "right": [[_token(), pair_id] for pair_id in right],
        }
    return {}


def candidates_query(
    *,
    category: QuestionCategory,
    include_subcategories: bool = True,
    tags: list[str] | None = None,
    difficulty: int | None = None,
    type_key: str | None = None,
) -> Any:
    """Ids of the live questions a random slot may draw from."""
    query = (
        select(Question.id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .where(Question.is_retired.is_(False))
    )
    if include_subcategories:
        query = query.where(
            or_(
                QuestionCategory.id == category.id,
                func.substr(QuestionCategory.path, 1, len(category.path) + 1)
                == literal(category.path + "/"),
            )
        )
    else:
        query = query.where(Question.category_id == category.id)
    if difficulty is not None:
        query = query.where(QuestionVersion.difficulty == difficulty)
    if type_key:
        query = query.where(QuestionVersion.type == type_key)
    for tag in tags or []:
        query = query.where(
            select(question_tag_links.c.question_id)
            .join(QuestionTag, QuestionTag.id == question_tag_links.c.tag_id)
            .where(question_tag_links.c.question_id == Question.id, QuestionTag.name == tag)
            .exists()
        )
    return query.order_by(Question.id)


def slot_candidates(slot: QuizSlot) -> list[int]:
    if slot.category is None:
        return []
    return list(
        db.session.scalars(
            candidates_query(
                category=slot.category,
                include_subcategories=slot.include_subcategories,
                tags=slot.tags,
                difficulty=slot.difficulty,
                type_key=slot.type,
            )
        )
    )


def _current_versions(question_ids: list[int]) -> dict[int, QuestionVersion]:
    if not question_ids:
        return {}
    rows = db.session.execute(
        select(Question.id, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.id.in_(question_ids))
    )
    return {question_id: version for question_id, version in rows}


def _slots_and_fixed_versions(quiz: Quiz) -> tuple[list[QuizSlot], dict[int, QuestionVersion]]:
    """The quiz's slots with their categories, and the current versions of its fixed questions:
    one statement (every start of an attempt asks), unless the slots are loaded already."""
    if "slots" in quiz.__dict__:
        return quiz.slots, {}
    rows = db.session.execute(
        select(QuizSlot, QuestionVersion)
        .outerjoin(QuizSlot.category)
        .outerjoin(Question, Question.id == QuizSlot.question_id)
        .outerjoin(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(QuizSlot.quiz_id == quiz.id)
        .order_by(QuizSlot.position, QuizSlot.id)
        .options(contains_eager(QuizSlot.category))
    ).all()
    slots = [slot for slot, _version in rows]
    set_committed_value(quiz, "slots", slots)
    fixed: dict[int, QuestionVersion] = {
        slot.question_id: version for slot, version in rows if version is not None
    }
    return slots, fixed


def draw_quiz(quiz: Quiz, seed: int) -> list[Drawn]:
    """The questions of a new attempt: fixed slots as they are, random slots drawn without
    repeating a question already in the attempt."""
    rng = random.Random(seed)
    slots, versions = _slots_and_fixed_versions(quiz)
    fixed_ids = [slot.question_id for slot in slots if slot.question_id is not None]
    taken: set[int] = set(fixed_ids)
    picks: list[tuple[QuizSlot, int]] = []
    for slot in slots:
        if slot.question_id is not None:
            picks.append((slot, slot.question_id))
            continue
        pool = [qid for qid in slot_candidates(slot) if qid not in taken]
        if len(pool) < slot.count:
            raise ConflictError(
                _(
                    "The quiz cannot be drawn: “%(category)s” has %(have)d matching questions "
                    "for a slot that needs %(need)d.",
                    category=slot.category.path if slot.category else "?",
                    have=len(pool),
                    need=slot.count,
                ),
                code="not_enough_questions",
            )
        for question_id in rng.sample(pool, slot.count):
            taken.add(question_id)
            picks.append((slot, question_id))
    versions |= _current_versions([qid for _slot, qid in picks if qid not in versions])
    if quiz.shuffle_questions:
        rng.shuffle(picks)
    drawn = []
    for slot, question_id in picks:
        version = versions.get(question_id)
        if version is None:
            raise ConflictError(
                _("A question of this quiz has no content; ask the organizer to fix it."),
                code="question_missing",
            )
        drawn.append(
            Drawn(version, slot.mark, slot.id, present_choices(version, rng, quiz.shuffle_options))
        )
    return drawn


def draw_questions(question_ids: list[int], seed: int, *, mark: float = 1.0) -> list[Drawn]:
    """Practice, daily quiz and notebook sessions: the given questions, options shuffled."""
    rng = random.Random(seed)
    versions = _current_versions(question_ids)
    return [
        Drawn(versions[qid], mark, None, present_choices(versions[qid], rng, True))
        for qid in question_ids
        if qid in versions
    ]

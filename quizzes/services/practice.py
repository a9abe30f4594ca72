"""Free practice: members practise the categories admins opened for it, with immediate feedback
and no time limit. Practice sessions have no quiz, so they never count for grades or boards."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from lms.accounts.models import User
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting
from question_bank.models import Question, QuestionCategory, QuestionVersion
from quizzes.models import Attempt, Mode, State
from quizzes.services import attempts, drawing, notebook

CATEGORIES_SETTING = "practice.categories"
SESSION_SIZES = (5, 10, 20)
UNFINISHED_SHOWN = 5


@dataclass(frozen=True)
class CategoryOffer:
    """A category a member may practise, with the live questions in it and below it."""

    category: QuestionCategory
    questions: int
    depth: int  # 0 for a category an admin chose, 1 for its children, ...

    @property
    def sizes(self) -> list[int]:
        return sizes_for(self.questions)

    @property
    def takes_all(self) -> bool:
        """Too few questions for the smallest size: the one session offered has them all."""
        return self.questions < SESSION_SIZES[0]


def sizes_for(available: int) -> list[int]:
    """The session sizes a pool of ``available`` questions can fill: the usual sizes that fit,
    or all of them when even the smallest does not."""
    fitting = [size for size in SESSION_SIZES if size <= available]
    return fitting or ([available] if available > 0 else [])


def _is_within(category: QuestionCategory, root: QuestionCategory) -> bool:
    return category.path == root.path or category.path.startswith(root.path + "/")


def categories_by_ids(ids: Any) -> list[QuestionCategory]:
    """The existing categories among ``ids`` (a setting's value), by path."""
    wanted = [value for value in ids or [] if isinstance(value, int)]
    if not wanted:
        return []
    return list(
        db.session.scalars(
            select(QuestionCategory)
            .where(QuestionCategory.id.in_(wanted))
            .order_by(QuestionCategory.path)
        )
    )


def outermost(categories: list[QuestionCategory]) -> list[QuestionCategory]:
    """Drop a category that sits inside another one of the list: the outer one covers it."""
    return [c for c in categories if not any(o is not c and _is_within(c, o) for o in categories)]


def validate_category_ids(ids: list[int]) -> list[int]:
    found = categories_by_ids(ids)
    if len(found) != len(set(ids)):
        raise ValidationError(_("A chosen category does not exist."), field="categories")
    return sorted({category.id for category in found})


def chosen_ids() -> list[int]:
    """The categories admins opened for practice (existing ones only)."""
    return [c.id for c in categories_by_ids(get_setting(CATEGORIES_SETTING, []))]


def practice_roots() -> list[QuestionCategory]:
    return outermost(categories_by_ids(get_setting(CATEGORIES_SETTING, [])))


def set_practice_categories(category_ids: list[int]) -> None:
    set_setting(CATEGORIES_SETTING, validate_category_ids(category_ids))


def live_counts() -> Counter[int]:
    """Live questions (not retired, with a current version) per category id, in one query."""
    rows = db.session.execute(
        select(Question.category_id, func.count())
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(Question.is_retired.is_(False))
        .group_by(Question.category_id)
    )
    return Counter({category_id: count for category_id, count in rows})


def offers() -> list[CategoryOffer]:
    """Every practisable category (the chosen ones and their subcategories) with questions in
    it, by path."""
    roots = practice_roots()
    if not roots:
        return []
    counts = live_counts()
    everything = list(db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path)))
    result = []
    for root in roots:
        below = [c for c in everything if _is_within(c, root)]
        for category in below:
            total = sum(counts[c.id] for c in below if _is_within(c, category))
            depth = category.path.count("/") - root.path.count("/")
            if total:
                result.append(CategoryOffer(category, total, depth))
    return result


def pool(category: QuestionCategory) -> list[int]:
    """Ids of the live questions of a category and its subcategories."""
    return list(db.session.scalars(drawing.candidates_query(category=category)))


def practisable(category_id: int) -> QuestionCategory:
    category = db.session.get(QuestionCategory, category_id)
    if category is None or not any(_is_within(category, root) for root in practice_roots()):
        raise NotFoundError(_("This category is not open for practice."))
    return category


def start_practice(user: User, category_id: int, size: int) -> Attempt:
    """A practice session of ``size`` questions drawn at random from the category: one of the
    usual sizes that fits, or all of its questions when it has fewer than the smallest."""
    category = practisable(category_id)
    question_ids = pool(category)
    if not question_ids:
        raise ConflictError(
            _("“%(name)s” has no questions to practise yet.", name=category.name),
            code="empty",
        )
    if size not in sizes_for(len(question_ids)):
        raise ValidationError(
            _(
                "“%(name)s” has %(have)d questions: choose %(sizes)s.",
                name=category.name,
                have=len(question_ids),
                sizes=", ".join(str(n) for n in sizes_for(len(question_ids))),
            ),
            field="size",
        )
    chosen = random.SystemRandom().sample(question_ids, size)
    return attempts.start_session(user, chosen, mode=Mode.PRACTICE)


def start_notebook_session(user: User, category_id: int | None = None) -> Attempt:
    """Practise the wrong-answer notebook again; the answers feed the notebook as any do."""
    category = None
    if category_id is not None:
        category = db.session.get(QuestionCategory, category_id)
        if category is None:
            raise NotFoundError(_("This category does not exist."))
    question_ids = notebook.question_ids_to_practise(user, category)
    return attempts.start_session(user, question_ids, mode=Mode.NOTEBOOK)


def unfinished_sessions(user: User) -> list[Attempt]:
    """The member's practice and notebook sessions still in progress, newest first."""
    return list(
        db.session.scalars(
            select(Attempt)
            .where(
                Attempt.user_id == user.id,
                Attempt.mode.in_([Mode.PRACTICE, Mode.NOTEBOOK]),
                Attempt.state == State.IN_PROGRESS,
            )
            .order_by(Attempt.started_at.desc(), Attempt.id.desc())
            .limit(UNFINISHED_SHOWN)
            .options(selectinload(Attempt.items))
        )
    )

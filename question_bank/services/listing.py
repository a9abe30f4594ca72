"""Finding questions: filters for the bank's list page and the API, in constant queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from question_bank.models import Question, QuestionCategory, QuestionTag, QuestionVersion


@dataclass(frozen=True)
class QuestionFilter:
    category_id: int | None = None
    include_below: bool = True
    type: str = ""
    tag: str = ""
    difficulty: int | None = None
    retired: str = "no"  # "no", "yes" or "all"
    text: str = ""


def question_query(filters: QuestionFilter, category_path: str | None = None) -> Select:
    query = (
        select(Question)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .join(QuestionCategory, QuestionCategory.id == Question.category_id)
        .options(
            joinedload(Question.current),
            joinedload(Question.category),
            selectinload(Question.tags),
        )
    )
    if filters.category_id and category_path:
        if filters.include_below:
            prefix = category_path + "/"
            query = query.where(
                or_(
                    QuestionCategory.id == filters.category_id,
                    func.substr(QuestionCategory.path, 1, len(prefix)) == prefix,
                )
            )
        else:
            query = query.where(Question.category_id == filters.category_id)
    if filters.type:
        query = query.where(QuestionVersion.type == filters.type)
    if filters.tag:
        query = query.where(Question.tags.any(QuestionTag.name == filters.tag))
    if filters.difficulty:
        query = query.where(QuestionVersion.difficulty == filters.difficulty)
    if filters.retired == "no":
        query = query.where(Question.is_retired.is_(False))
    elif filters.retired == "yes":
        query = query.where(Question.is_retired.is_(True))
    if filters.text.strip():
        like = f"%{filters.text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(QuestionVersion.stem_md).like(like),
                func.lower(QuestionVersion.title).like(like),
            )
        )
    return query.order_by(QuestionCategory.path, Question.id)

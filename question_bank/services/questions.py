"""Writing questions: each edit makes a new immutable version; retiring hides without deleting."""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.core.errors import NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import check_plain_text
from question_bank.models import Question, QuestionCategory, QuestionTag, QuestionVersion
from question_bank.types import get_type

MAX_STEM = 20_000
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def stem_key(stem: str) -> str:
    """The stem compared for duplicates: NFKC, case-folded, without spaces and punctuation."""
    return _NOT_WORD.sub("", unicodedata.normalize("NFKC", stem or "").casefold())[:200]


@dataclass(frozen=True)
class QuestionContent:
    """Everything a version holds. ``definition`` is the type's JSON (options, answers…)."""

    type: str
    stem_md: str
    definition: dict[str, Any]
    explanation_md: str = ""
    difficulty: int = 3
    default_mark: float = 1.0
    title: str = ""
    source: str = ""
    text_format: str = "markdown"  # "html" for text imported as HTML; both are sanitised

    def checked(self) -> QuestionContent:
        stem = (self.stem_md or "").strip()
        if not stem:
            raise ValidationError(_("The question needs its text."), field="stem")
        if len(stem) > MAX_STEM:
            raise ValidationError(_("The question text is too long."), field="stem")
        check_plain_text(stem, field="stem", multiline=True)
        check_plain_text(self.title or "", field="title")
        if not isinstance(self.difficulty, int) or not 1 <= self.difficulty <= 5:
            raise ValidationError(_("Difficulty is 1 to 5."), field="difficulty")
        if not isinstance(self.default_mark, int | float) or not 0 < self.default_mark <= 1000:
            raise ValidationError(
                _("The mark is more than 0 and at most 1000."), field="default_mark"
            )
        definition = get_type(self.type).validate(stem, self.definition or {})
        return QuestionContent(
            type=self.type,
            stem_md=stem,
            definition=definition,
            explanation_md=(self.explanation_md or "").strip(),
            difficulty=self.difficulty,
            default_mark=float(self.default_mark),
            title=(self.title or "").strip()[:200],
            source=(self.source or "").strip()[:300],
            text_format="html" if self.text_format == "html" else "markdown",
        )


def _tags(names: Sequence[str]) -> list[QuestionTag]:
    cleaned = list(dict.fromkeys(" ".join(n.split())[:40] for n in names if n and n.strip()))
    if not cleaned:
        return []
    existing = {
        t.name: t
        for t in db.session.scalars(select(QuestionTag).where(QuestionTag.name.in_(cleaned)))
    }
    return [existing.get(name) or QuestionTag(name=name) for name in cleaned]


def _version(
    question: Question, content: QuestionContent, number: int, by: User | None
) -> QuestionVersion:
    return QuestionVersion(
        question=question,
        number=number,
        type=content.type,
        title=content.title,
        stem_md=content.stem_md,
        definition=content.definition,
        explanation_md=content.explanation_md,
        difficulty=content.difficulty,
        default_mark=content.default_mark,
        source=content.source,
        text_format=content.text_format,
        created_by_id=by.id if by else None,
    )


def create_question(
    category: QuestionCategory,
    content: QuestionContent,
    *,
    tags: Sequence[str] = (),
    by: User | None = None,
) -> Question:
    content = content.checked()
    question = Question(
        category=category, stem_key=stem_key(content.stem_md), created_by_id=by.id if by else None
    )
    question.tags = _tags(tags)
    db.session.add(question)
    version = _version(question, content, 1, by)
    db.session.add(version)
    db.session.flush()
    question.current = version
    db.session.flush()
    return question


def _same(version: QuestionVersion, content: QuestionContent) -> bool:
    return (
        version.type,
        version.title,
        version.stem_md,
        version.definition,
        version.explanation_md,
        version.difficulty,
        version.default_mark,
        version.source,
    ) == (
        content.type,
        content.title,
        content.stem_md,
        content.definition,
        content.explanation_md,
        content.difficulty,
        content.default_mark,
        content.source,
    )


def edit_question(
    question: Question,
    content: QuestionContent,
    *,
    category: QuestionCategory | None = None,
    tags: Sequence[str] | None = None,
    by: User | None = None,
) -> QuestionVersion:
    """Save an edit as a new version (unless nothing in the content changed)."""
    content = content.checked()
    if category is not None:
        question.category = category
    if tags is not None:
        question.tags = _tags(tags)
    current = question.current
    if current is not None and _same(current, content):
        db.session.flush()
        return current
    version = _version(question, content, (current.number if current else 0) + 1, by)
    db.session.add(version)
    db.session.flush()
    question.current = version
    question.stem_key = stem_key(content.stem_md)
    db.session.flush()
    return version


def set_retired(question: Question, retired: bool) -> Question:
    question.is_retired = retired
    db.session.flush()
    return question


def get_question(question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None:
        raise NotFoundError(_("This question does not exist."))
    return question


def duplicates_of(
    category: QuestionCategory, stem: str, except_id: int | None = None
) -> list[Question]:
    """Questions of the category whose stem is the same once spaces and punctuation go."""
    query = select(Question).where(
        Question.category_id == category.id, Question.stem_key == stem_key(stem)
    )
    if except_id is not None:
        query = query.where(Question.id != except_id)
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str
    diff: list[str]


def differences(older: QuestionVersion, newer: QuestionVersion) -> list[Change]:
    """What changed between two versions, field by field, with a line diff of long texts."""
    fields = {
        "type": (older.type, newer.type),
        "title": (older.title, newer.title),
        "stem": (older.stem_md, newer.stem_md),
        "definition": (
            json.dumps(older.definition, ensure_ascii=False, indent=1, sort_keys=True),
            json.dumps(newer.definition, ensure_ascii=False, indent=1, sort_keys=True),
        ),
        "explanation": (older.explanation_md, newer.explanation_md),
        "difficulty": (str(older.difficulty), str(newer.difficulty)),
        "default_mark": (f"{older.default_mark:g}", f"{newer.default_mark:g}"),
        "source": (older.source, newer.source),
    }
    changes = []
    for name, (before, after) in fields.items():
        if before != after:
            diff = list(
                difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=1)
            )[2:]
            changes.append(Change(name, before, after, diff))
    return changes


def bulk_update(
    question_ids: Sequence[int],
    *,
    action: str,
    category: QuestionCategory | None = None,
    tag: str = "",
) -> int:
    """Move, tag, retire or restore many questions at once; returns how many changed."""
    if not question_ids:
        raise ValidationError(_("Select at least one question."))
    chosen = list(db.session.scalars(select(Question).where(Question.id.in_(question_ids))))
    if action == "move":
        if category is None:
            raise ValidationError(_("Choose the category to move them to."), field="category")
        for question in chosen:
            question.category = category
    elif action == "tag":
        (new_tag,) = _tags([tag]) or [None]
        if new_tag is None:
            raise ValidationError(_("Give the tag to add."), field="tag")
        for question in chosen:
            if new_tag not in question.tags:
                question.tags.append(new_tag)
    elif action in ("retire", "restore"):
        for question in chosen:
            question.is_retired = action == "retire"
    else:
        raise ValidationError(_("Unknown action."))
    db.session.flush()
    return len(chosen)


def create_many(
    items: Sequence[tuple[QuestionCategory, QuestionContent, Sequence[str]]],
    *,
    by: User | None = None,
) -> list[Question]:
    """Create many already-checked questions at once (imports): a few statements per batch,
    not several per question."""
    names = {" ".join(n.split())[:40] for _c, _q, tags in items for n in tags if n and n.strip()}
    tag_map = {t.name: t for t in _tags(sorted(names))}
    pairs = []
    for category, content, tags in items:
        question = Question(
            category=category,
            stem_key=stem_key(content.stem_md),
            created_by_id=by.id if by else None,
        )
        wanted = dict.fromkeys(" ".join(n.split())[:40] for n in tags if n and n.strip())
        question.tags = [tag_map[name] for name in wanted]
        pairs.append((question, _version(question, content, 1, by)))
    db.session.add_all(q for q, _v in pairs)
    db.session.add_all(v for _q, v in pairs)
    db.session.flush()
    for question, version in pairs:
        question.current_version_id = version.id
    db.session.flush()
    return [question for question, _v in pairs]

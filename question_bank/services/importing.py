"""Importing a file of questions: parse, report every problem with its line, then all or none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.core.errors import ValidationError
from lms.core.extensions import db
from question_bank.formats import aiken, embedded, gift, moodle_xml, spreadsheet
from question_bank.formats.common import ParsedQuestion, ParseResult
from question_bank.models import Question, QuestionCategory
from question_bank.services import categories
from question_bank.services.questions import create_many, stem_key

DEFAULT_CATEGORY = "导入 Imported"
PARSERS: dict[str, Callable[[bytes, str], ParseResult]] = {
    "gift": gift.parse,
    "moodle-xml": moodle_xml.parse,
    "aiken": aiken.parse,
    "xlsx": lambda data, path: spreadsheet.parse(data, path, "xlsx"),
    "csv": lambda data, path: spreadsheet.parse(data, path, "csv"),
}
FORMATS = tuple(PARSERS)


@dataclass
class Preview:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # skipped or changed, the rest imports
    duplicates: set[int] = field(default_factory=set)  # lines whose stem is already there


def preview(data: bytes, fmt: str, category_path: str | None = None) -> Preview:
    if fmt not in PARSERS:
        raise ValidationError(_("Unsupported format “%(fmt)s”.", fmt=fmt), field="format")
    path = category_path or DEFAULT_CATEGORY
    categories.clean_name(path.split("/")[0])  # a bad --category is refused before parsing
    parsed = PARSERS[fmt](data, path)
    result = Preview(parsed.questions, parsed.problems, parsed.warnings)
    keys = {stem_key(q.content.stem_md) for q in parsed.questions}
    existing = (
        set(
            db.session.execute(
                select(QuestionCategory.path, Question.stem_key)
                .join(QuestionCategory, QuestionCategory.id == Question.category_id)
                .where(Question.stem_key.in_(keys))
            ).all()
        )
        if keys
        else set()
    )
    seen: set[tuple[str, str]] = set()
    for question in parsed.questions:
        key = (question.category_path, stem_key(question.content.stem_md))
        if key in existing or key in seen:
            result.duplicates.add(question.line)
        seen.add(key)
    return result


def import_questions(
    data: bytes, fmt: str, category_path: str | None = None, *, by: User | None = None
) -> list[Question]:
    """Create every question of the file, or none when any has a problem."""
    return import_checked(preview(data, fmt, category_path), by=by)


def import_checked(checked: Preview, *, by: User | None = None) -> list[Question]:
    """Create the questions of a preview, or none when it found any problem."""
    if checked.problems:
        raise ValidationError(_("Nothing was imported."), problems=checked.problems)
    category_cache: dict[str, QuestionCategory] = {}
    stored: dict[str, str] = {}  # identical embedded files are stored once
    items = []
    for parsed in checked.questions:
        category = category_cache.get(parsed.category_path)
        if category is None:
            category = category_cache[parsed.category_path] = categories.ensure_path(
                parsed.category_path
            )
        content = embedded.store(parsed.content, parsed.files, by, stored)
        items.append((category, content, parsed.tags))
    return create_many(items, by=by)

"""The bank's category tree, named by paths such as ``党史/新民主主义革命时期``."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import check_plain_text
from question_bank.models import Question, QuestionCategory

MAX_NAME = 100


def clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("The category needs a name."), field="name")
    if "/" in name:
        raise ValidationError(_("A category name cannot contain “/”."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(
            _("A category name has at most %(n)d characters.", n=MAX_NAME), field="name"
        )
    return check_plain_text(name, field="name")


def _path(parent: QuestionCategory | None, name: str) -> str:
    return f"{parent.path}/{name}" if parent else name


def by_path(path: str) -> QuestionCategory | None:
    names = [clean_name(part) for part in (path or "").strip().strip("/").split("/")]
    return db.session.scalar(
        select(QuestionCategory).where(QuestionCategory.path == "/".join(names))
    )


def get_category(category_id: int) -> QuestionCategory:
    category = db.session.get(QuestionCategory, category_id)
    if category is None:
        raise NotFoundError(_("This category does not exist."))
    return category


def all_categories() -> list[QuestionCategory]:
    return list(db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.path)))


def create_category(name: str, parent: QuestionCategory | None = None) -> QuestionCategory:
    name = clean_name(name)
    path = _path(parent, name)
    if db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == path)):
        raise ConflictError(_("The category “%(path)s” already exists.", path=path), field="name")
    category = QuestionCategory(name=name, parent=parent, path=path)
    db.session.add(category)
    db.session.flush()
    return category


def ensure_path(path: str) -> QuestionCategory:
    """The category at ``A/B/C``, creating what is missing on the way."""
    parent: QuestionCategory | None = None
    names = [clean_name(part) for part in (path or "").strip().strip("/").split("/")]
    for name in names:
        found = db.session.scalar(
            select(QuestionCategory).where(QuestionCategory.path == _path(parent, name))
        )
        parent = found or create_category(name, parent)
    assert parent is not None  # noqa: S101 - clean_name refused an empty path
    return parent


def update_category(
    category: QuestionCategory, *, name: str, parent: QuestionCategory | None
) -> QuestionCategory:
    """Rename and move; the paths of everything below follow."""
    name = clean_name(name)
    if parent is not None and (
        parent.id == category.id or parent.path.startswith(category.path + "/")
    ):
        raise ValidationError(_("A category cannot move under itself."), field="parent")
    new_path = _path(parent, name)
    clash = db.session.scalar(select(QuestionCategory).where(QuestionCategory.path == new_path))
    if clash is not None and clash.id != category.id:
        raise ConflictError(
            _("The category “%(path)s” already exists.", path=new_path), field="name"
        )
    prefix = category.path + "/"
    below = db.session.scalars(
        select(QuestionCategory).where(func.substr(QuestionCategory.path, 1, len(prefix)) == prefix)
    ).all()
    for child in below:
        child.path = new_path + "/" + child.path[len(prefix) :]
    category.name, category.parent, category.path = name, parent, new_path
    db.session.flush()
    return category


def delete_category(category: QuestionCategory) -> None:
    """Only an empty category goes: no questions and no categories below it."""
    questions = db.session.scalar(
        select(func.count()).select_from(Question).where(Question.category_id == category.id)
    )
    children = db.session.scalar(
        select(func.count())
        .select_from(QuestionCategory)
        .where(QuestionCategory.parent_id == category.id)
    )
    if questions or children:
        raise ConflictError(
            _(
                "“%(path)s” is not empty: move or delete its questions and categories first.",
                path=category.path,
            )
        )
    db.session.delete(category)
    db.session.flush()

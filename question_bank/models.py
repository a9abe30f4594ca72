"""Categories (a tree), tags, and questions whose content lives in immutable versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.core.db import TimestampMixin
from lms.core.extensions import db

question_tag_links = Table(
    "question_tag_links",
    db.metadata,
    Column("question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("question_tags.id", ondelete="CASCADE"), primary_key=True),
)


class QuestionCategory(TimestampMixin, db.Model):
    """A node of the bank's category tree; ``path`` is the names from the root, joined by "/"."""

    __tablename__ = "question_categories"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_categories.id", ondelete="RESTRICT"), index=True
    )
    path: Mapped[str] = mapped_column(String(1000), unique=True)

    parent: Mapped[QuestionCategory | None] = relationship(remote_side=[id])


class QuestionTag(db.Model):
    __tablename__ = "question_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Question(TimestampMixin, db.Model):
    """A question's identity: its category, tags and whether it is retired. Content is versioned."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(
        ForeignKey("question_categories.id", ondelete="RESTRICT"), index=True
    )
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("question_versions.id", use_alter=True, ondelete="SET NULL")
    )
    is_retired: Mapped[bool] = mapped_column(default=False)
    # The stem without spaces and punctuation, to warn about duplicates in a category.
    stem_key: Mapped[str] = mapped_column(String(200), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    category: Mapped[QuestionCategory] = relationship()
    current: Mapped[QuestionVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    versions: Mapped[list[QuestionVersion]] = relationship(
        foreign_keys="QuestionVersion.question_id",
        order_by="QuestionVersion.number",
        back_populates="question",
    )
    tags: Mapped[list[QuestionTag]] = relationship(
        secondary=question_tag_links, order_by=QuestionTag.name
    )


class QuestionVersion(db.Model):
    """One immutable state of a question. Attempts point at versions, so past results hold."""

    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "number"),
        CheckConstraint("difficulty BETWEEN 1 AND 5", name="difficulty_range"),
        CheckConstraint("default_mark > 0", name="mark_positive"),
        Index("ix_question_versions_type", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    number: Mapped[int]
    type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(200), default="")
    stem_md: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation_md: Mapped[str] = mapped_column(Text, default="")
    difficulty: Mapped[int] = mapped_column(default=3)
    default_mark: Mapped[float] = mapped_column(default=1.0)
    source: Mapped[str] = mapped_column(String(300), default="")
    # How the texts were written: "markdown", or "html" when imported from HTML (Moodle).
    text_format: Mapped[str] = mapped_column(
        String(10), default="markdown", server_default="markdown"
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    question: Mapped[Question] = relationship(foreign_keys=[question_id], back_populates="versions")

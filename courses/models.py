"""Courses > modules > items (lesson, offline activity, and later quiz), enrolment, progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.db import TimestampMixin
from lms.core.extensions import db
from lms.core.uploads import Upload

course_units = Table(
    "course_units",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True),
)
course_editors = Table(
    "course_editors",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)
course_tags = Table(
    "course_tags",
    db.metadata,
    Column("course_id", ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)


class Course(TimestampMixin, db.Model):
    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary_md: Mapped[str] = mapped_column(Text, default="")
    is_published: Mapped[bool] = mapped_column(default=False)
    # Required for its audience: members of those units are enrolled automatically.
    is_required: Mapped[bool] = mapped_column(default=False)
    # When a required course should be complete (None: no due date); reminders come before it.
    due_at: Mapped[datetime | None]
    # Study hours (学时) in hundredths, credited once the whole course is complete; None: its
    # lessons and activities are credited one by one instead (lms.points.hours).
    study_centihours: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    cover_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL")
    )

    cover: Mapped[Upload | None] = relationship()
    modules: Mapped[list[CourseModule]] = relationship(
        back_populates="course", order_by="CourseModule.position", cascade="all, delete-orphan"
    )
    # No units: everyone may take the course.
    units: Mapped[list[OrgUnit]] = relationship(secondary=course_units, order_by=OrgUnit.path)
    editors: Mapped[list[User]] = relationship(secondary=course_editors, order_by=User.username)
    tags: Mapped[list[Tag]] = relationship(secondary=course_tags, order_by=Tag.name)


class CourseModule(TimestampMixin, db.Model):
    __tablename__ = "course_modules"
    __table_args__ = (Index("ix_course_modules_course_position", "course_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    # Its items open only once every item of the module before it is complete.
    requires_previous: Mapped[bool] = mapped_column(default=False)
    # A draft module (or item) stays hidden from members while its course is published.
    is_published: Mapped[bool] = mapped_column(default=True, server_default=true())

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list[CourseItem]] = relationship(
        back_populates="module", order_by="CourseItem.position", cascade="all, delete-orphan"
    )


class CourseItem(TimestampMixin, db.Model):
    """One step of a module. ``kind`` names its entry in ``courses.item_kinds``."""

    __tablename__ = "course_items"
    __table_args__ = (Index("ix_course_items_module_position", "module_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("course_modules.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    is_published: Mapped[bool] = mapped_column(default=True, server_default=true())
    minutes: Mapped[int] = mapped_column(default=5)
    # Study hours (学时) in hundredths a lesson or activity credits; None: from its minutes.
    study_centihours: Mapped[int | None]
    body_md: Mapped[str] = mapped_column(Text, default="")
    # Seconds a member must have had the lesson open before marking it done; None: the setting.
    min_read_seconds: Mapped[int | None]
    # A lesson's video: an uploaded file (its length read from the file lets the server check
    # that 90 % was watched), or an embed from an allow-listed host (completed by reading).
    video_upload_id: Mapped[int | None] = mapped_column(
        ForeignKey("uploads.id", ondelete="SET NULL")
    )
    video_url: Mapped[str | None] = mapped_column(String(500))
    video_seconds: Mapped[int | None]
    # An uploaded video's lesson completes by watching, unless its author allows reading too.
    video_allows_reading: Mapped[bool] = mapped_column(default=False, server_default=false())

    module: Mapped[CourseModule] = relationship(back_populates="items")
    video: Mapped[Upload | None] = relationship()
    attachments: Mapped[list[LessonAttachment]] = relationship(
        order_by="LessonAttachment.id", cascade="all, delete-orphan"
    )


class LessonAttachment(db.Model):
    __tablename__ = "lesson_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("course_items.id", ondelete="CASCADE"))
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"))

    upload: Mapped[Upload] = relationship(lazy="joined")


class Enrolment(db.Model):
    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_automatic: Mapped[bool] = mapped_column(default=False)
    completed_at: Mapped[datetime | None]
    last_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_items.id", ondelete="SET NULL")
    )
    last_seen_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()


class ItemProgress(db.Model):
    """A member's progress on one item: when they opened it and when they completed it."""

    __tablename__ = "item_progress"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("course_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    video_watched_seconds: Mapped[int] = mapped_column(default=0, server_default="0")
    # The player's last report: each report may add only what the time since it allows.
    video_reported_at: Mapped[datetime | None]


ACTIVITY_KINDS = (
    "expert_talk",
    "site_visit",
    "film_screening",
    "volunteer_service",
    "field_practice",
)


class Activity(db.Model):
    """The offline part of an ``activity`` item: when, where, how many, and its check-in code."""

    __tablename__ = "activities"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    item_id: Mapped[int] = mapped_column(
        ForeignKey("course_items.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int | None]  # None: no limit
    checkin_code: Mapped[str] = mapped_column(String(12))
    # Check-in is open from this many minutes before the start until the end.
    checkin_opens_minutes: Mapped[int] = mapped_column(default=30)

    item: Mapped[CourseItem] = relationship(
        backref=backref("activity", uselist=False, cascade="all, delete-orphan")
    )


class ActivityRegistration(db.Model):
    __tablename__ = "activity_registrations"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("activities.item_id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    attended_at: Mapped[datetime | None]
    # Who marked the attendance: None when the member checked in with the code.
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Comment(db.Model):
    """A member's comment in a lesson's discussion. Organizers and admins may hide it."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_item_created", "item_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("course_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    body_md: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    hidden_at: Mapped[datetime | None]
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    hidden_reason: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    item: Mapped[CourseItem] = relationship()

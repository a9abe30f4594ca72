"""Lesson discussions: comment, edit and delete one's own, hide (organizers and admins)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from courses.models import Comment, CourseItem
from courses.permissions import can_edit_course
from courses.services.authoring import get_item
from courses.services.progress import course_for
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from lms.core.extensions import db

MAX_COMMENT = 5000
PER_PAGE = 20


def may_moderate(user: User) -> bool:
    return user.is_organizer


def _body(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write something first."), field="body")
    if len(text) > MAX_COMMENT:
        raise ValidationError(
            _("A comment has at most %(n)d characters.", n=MAX_COMMENT), field="body"
        )
    return text


def _item_for(user: User, item_id: int) -> CourseItem:
    item = get_item(item_id)
    course_for(user, item.module.course_id)  # 404 unless the user may take the course
    return item


def add_comment(user: User, item_id: int, body: str) -> Comment:
    item = _item_for(user, item_id)
    comment = Comment(item_id=item.id, user_id=user.id, body_md=_body(body))
    db.session.add(comment)
    db.session.flush()
    return comment


def get_comment(user: User, comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFoundError(_("This comment does not exist."))
    _item_for(user, comment.item_id)
    return comment


def edit_comment(user: User, comment_id: int, body: str) -> Comment:
    comment = get_comment(user, comment_id)
    if comment.user_id != user.id:
        raise PermissionDeniedError(_("You can only change your own comments."))
    comment.body_md = _body(body)
    comment.edited_at = utcnow()
    db.session.flush()
    return comment


def delete_comment(user: User, comment_id: int) -> CourseItem:
    comment = get_comment(user, comment_id)
    if comment.user_id != user.id:
        raise PermissionDeniedError(_("You can only delete your own comments."))
    item = comment.item
    db.session.delete(comment)
    db.session.flush()
    return item


def hide_comment(user: User, comment_id: int, reason: str) -> Comment:
    comment = get_comment(user, comment_id)
    if not may_moderate(user) and not can_edit_course(user, comment.item.module.course):
        raise PermissionDeniedError(_("Only organizers and admins hide comments."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give a reason for hiding the comment."), field="reason")
    comment.hidden_at = utcnow()
    comment.hidden_by_id = user.id
    comment.hidden_reason = reason[:300]
    db.session.flush()
    return comment


def unhide_comment(user: User, comment_id: int) -> Comment:
    comment = get_comment(user, comment_id)
    if not may_moderate(user):
        raise PermissionDeniedError(_("Only organizers and admins hide comments."))
    comment.hidden_at = comment.hidden_by_id = comment.hidden_reason = None
    db.session.flush()
    return comment


@dataclass
class CommentPage:
    comments: list[Comment]
    total: int
    page: int
    pages: int
    order: str


def comments_for(item: CourseItem, *, page: int = 1, order: str = "newest") -> CommentPage:
    """One page of an item's comments with their authors: two queries whatever the page."""
    total = (
        db.session.scalar(
            select(func.count()).select_from(Comment).where(Comment.item_id == item.id)
        )
        or 0
    )
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    newest = order != "oldest"
    ordering = (
        (Comment.created_at.desc(), Comment.id.desc())
        if newest
        else (Comment.created_at, Comment.id)
    )
    comments = db.session.scalars(
        select(Comment)
        .where(Comment.item_id == item.id)
        .options(joinedload(Comment.user))
        .order_by(*ordering)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return CommentPage(list(comments), total, page, pages, "newest" if newest else "oldest")

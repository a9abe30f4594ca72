"""Lesson discussion: posting, editing and deleting one's comments; hiding them (staff)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from courses.forms import CommentForm, HideCommentForm
from courses.services import discussion
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.forms import submit

bp = Blueprint("discussion", __name__)


def _back(item_id: int, anchor: str = "discussion") -> Any:
    order = request.args.get("order") or request.form.get("order")
    return redirect(url_for("courses.lesson", item_id=item_id, order=order) + f"#{anchor}")


@bp.route("/lessons/<int:item_id>/comments", methods=["POST"])
@permissions.authenticated
def post(item_id: int) -> Any:
    form = CommentForm()
    if form.validate_on_submit():
        outcome = submit(
            form, lambda: discussion.add_comment(current_user, item_id, form.body.data or "")
        )
        if outcome.ok:
            flash(_("Your comment is posted."), "success")
            return _back(item_id, f"comment-{outcome.value.id}")
    for error in form.body.errors:
        flash(error, "error")
    return _back(item_id)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@permissions.authenticated
def edit(comment_id: int) -> Any:
    comment = discussion.get_comment(current_user, comment_id)
    form = CommentForm(obj=comment, body=comment.body_md)
    if (
        form.validate_on_submit()
        and submit(
            form, lambda: discussion.edit_comment(current_user, comment_id, form.body.data or "")
        ).ok
    ):
        flash(_("Your comment is saved."), "success")
        return _back(comment.item_id, f"comment-{comment.id}")
    if comment.user_id != current_user.id:
        flash(_("You can only change your own comments."), "error")
        return _back(comment.item_id)
    return render_template("courses/comment_form.html", form=form, comment=comment)


@bp.route("/comments/<int:comment_id>/delete", methods=["POST"])
@permissions.authenticated
def delete(comment_id: int) -> Any:
    comment = discussion.get_comment(current_user, comment_id)
    item_id = comment.item_id
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: discussion.delete_comment(current_user, comment_id)).ok
    ):
        flash(_("Your comment is deleted."), "success")
    return _back(item_id)


@bp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@permissions.staff
def hide(comment_id: int) -> Any:
    comment = discussion.get_comment(current_user, comment_id)
    form = HideCommentForm()
    if (
        form.validate_on_submit()
        and submit(
            form, lambda: discussion.hide_comment(current_user, comment_id, form.reason.data or "")
        ).ok
    ):
        flash(_("The comment is hidden."), "success")
    elif form.reason.errors:
        flash(_("Give a reason for hiding the comment."), "error")
    return _back(comment.item_id, f"comment-{comment.id}")


@bp.route("/comments/<int:comment_id>/unhide", methods=["POST"])
@permissions.staff
def unhide(comment_id: int) -> Any:
    comment = discussion.get_comment(current_user, comment_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: discussion.unhide_comment(current_user, comment_id)).ok
    ):
        flash(_("The comment is shown again."), "success")
    return _back(comment.item_id, f"comment-{comment.id}")

"""Member pages: the catalogue, a course's outline, lessons, enrolling and completing."""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from courses import certificates
from courses.forms import CommentForm, HideCommentForm
from courses.item_kinds import KINDS
from courses.permissions import can_edit_course
from courses.services import catalogue, discussion, enrolment, progress
from courses.services.study_hours import course_centihours
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.errors import json_error
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.sqlite import writes_on_get

bp = Blueprint("courses", __name__)


@bp.route("/courses/")
@permissions.authenticated
def index() -> Any:
    text = request.args.get("q", "")[:100]
    tag = request.args.get("tag", "")[:40]
    return render_template(
        "courses/catalogue.html",
        entries=catalogue.catalogue(current_user, text=text, tag=tag),
        tags=catalogue.all_tags(current_user),
        text=text,
        tag=tag,
    )


@bp.route("/courses/<int:course_id>")
@permissions.authenticated
def course(course_id: int) -> Any:
    found = progress.course_for(current_user, course_id)
    return render_template(
        "courses/course.html",
        course=found,
        progress=progress.progress_of(current_user, found),
        can_edit=can_edit_course(current_user, found),
        kinds=KINDS,
        form=ConfirmForm(),
        study_hours=course_centihours(found),
    )


@bp.route("/courses/<int:course_id>/certificate.pdf")
@permissions.authenticated
def certificate(course_id: int) -> Any:
    found, done = certificates.completed_course(current_user, course_id)
    return send_file(
        io.BytesIO(certificates.certificate_pdf(current_user, found, done)),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"certificate-{certificates.code_of(done)}.pdf",
    )


@bp.route("/courses/<int:course_id>/enrol", methods=["POST"])
@permissions.authenticated
def enrol(course_id: int) -> Any:
    found = progress.course_for(current_user, course_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: enrolment.enrol(current_user, found)).ok:
        flash(_("You are enrolled in “%(title)s”.", title=found.title), "success")
    return redirect(url_for("courses.course", course_id=found.id))


@bp.route("/lessons/<int:item_id>")
@permissions.authenticated
@writes_on_get
def lesson(item_id: int) -> Any:
    try:
        opened = progress.open_item(current_user, item_id)
    except progress.LockedError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("courses.course", course_id=error.course_id))
    # Read before the commit expires the outline's items: no query per item after it.
    previous, following = opened.progress.neighbours(opened.item)
    db.session.commit()
    kind = KINDS[opened.item.kind]
    if kind.endpoint != "courses.lesson":
        return redirect(url_for(kind.endpoint, item_id=item_id))
    order = "oldest" if request.args.get("order") == "oldest" else "newest"
    return render_template(
        "courses/lesson.html",
        opened=opened,
        form=ConfirmForm(),
        min_read=progress.min_read_seconds(opened.item),
        previous=previous,
        following=following,
        comments=discussion.comments_for(
            opened.item, page=request.args.get("page", 1, type=int), order=order
        ),
        comment_form=CommentForm(formdata=None),
        hide_form=HideCommentForm(formdata=None),
        may_moderate=discussion.may_moderate(current_user),
    )


@bp.route("/lessons/<int:item_id>/video-progress", methods=["POST"])
@permissions.authenticated
def video_progress(item_id: int) -> Any:
    """The player's report of how far the member watched (JSON, with the page's CSRF token)."""
    data = request.get_json(silent=True)
    watched = progress.watched_claim(
        data.get("watched_seconds") if isinstance(data, dict) else None
    )
    if watched is None:
        return json_error(400, "bad_request", _("Send watched_seconds as a number."))
    opened = progress.report_video(current_user, item_id, watched)
    db.session.commit()
    return jsonify(
        {
            "completed": opened.completed,
            "percent": opened.progress.percent,
            "watched_percent": opened.watched_percent,
        }
    )


@bp.route("/lessons/<int:item_id>/complete", methods=["POST"])
@permissions.authenticated
def complete(item_id: int) -> Any:
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = submit(form, lambda: progress.complete_lesson(current_user, item_id))
        if outcome.ok:
            opened = outcome.value
            flash(_("Well done! Lesson completed."), "success")
            following = opened.progress.next_item()
            if following is not None:
                return redirect(url_for("courses.lesson", item_id=following.id))
            return redirect(url_for("courses.course", course_id=opened.progress.course.id))
    return redirect(url_for("courses.lesson", item_id=item_id))

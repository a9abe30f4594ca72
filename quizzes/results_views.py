"""Organizer pages after the fact: results, exports, statistics, manual grading, regrading.

Results and their exports are also open to unit leaders, for the rows of the units they lead
(the rule of the course reports); everything else here is for organizers and admins.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from lms.accounts import permissions
from lms.core.forms import submit
from lms.core.spreadsheets import MIMETYPES, table_bytes
from quizzes.services import grading, results, statistics
from quizzes.services.results import ResultFilters

bp = Blueprint("quiz_results", __name__, url_prefix="/manage/quizzes")


class GradeForm(FlaskForm):
    mark = FloatField(_l("Mark"), validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Save mark"))


class RegradeForm(FlaskForm):
    current_versions = BooleanField(_l("Use the current version of each question"))
    submit = SubmitField(_l("Regrade every finished attempt"))


def _filters() -> ResultFilters:
    outcome = request.args.get("outcome", "")
    return ResultFilters(
        unit_id=request.args.get("unit", type=int),
        outcome=outcome if outcome in results.OUTCOMES else "",
        text=request.args.get("q", "")[:100],
    )


@bp.route("/<int:quiz_id>/results", endpoint="results")
@permissions.authenticated
def results_page(quiz_id: int) -> Any:
    scope = results.viewer_scope(current_user)
    quiz = results.results_quiz(current_user, quiz_id)
    filters = _filters()
    found = results.quiz_results(quiz, scope, filters)
    page = results.page_of(
        found.rows, request.args.get("page", 1, type=int), current_app.config["USERS_PER_PAGE"]
    )
    return render_template(
        "quizzes/results/results.html",
        results=found,
        page=page,
        scope=scope,
        filters=filters,
        units=results.filter_units(scope),
        duration=results.duration,
    )


@bp.route("/<int:quiz_id>/results.<fmt>")
@permissions.authenticated
def export(quiz_id: int, fmt: str) -> Any:
    if fmt not in MIMETYPES:
        abort(404)
    scope = results.viewer_scope(current_user)
    quiz = results.results_quiz(current_user, quiz_id)
    header, rows = results.result_table(results.quiz_results(quiz, scope, _filters()))
    return send_file(
        io.BytesIO(table_bytes(fmt, header, rows)),
        mimetype=MIMETYPES[fmt],
        as_attachment=True,
        download_name=f"quiz-{quiz.id}-results.{fmt}",
    )


@bp.route("/<int:quiz_id>/statistics", endpoint="statistics")
@permissions.staff
def statistics_page(quiz_id: int) -> Any:
    stats = statistics.quiz_statistics(results.load_quiz(quiz_id))
    return render_template("quizzes/results/statistics.html", stats=stats)


def _grading_page(quiz_id: int, failed: tuple[int, GradeForm] | None = None) -> Any:
    quiz = results.load_quiz(quiz_id)
    show_graded = request.args.get("show") == "all"
    queue = results.grading_queue(quiz, include_graded=show_graded)
    forms = {
        item.id: GradeForm(
            formdata=None,
            prefix=f"a{item.id}",
            mark=item.score,
            comment=item.comment,
        )
        for group in queue
        for item in group.items
    }
    if failed is not None:
        forms[failed[0]] = failed[1]
    return render_template(
        "quizzes/results/grading.html",
        quiz=quiz,
        queue=queue,
        forms=forms,
        show_graded=show_graded,
    )


@bp.route("/<int:quiz_id>/grading", endpoint="grading")
@permissions.staff
def grading_page(quiz_id: int) -> Any:
    return _grading_page(quiz_id)


@bp.route("/<int:quiz_id>/grading/<int:answer_id>", methods=["POST"])
@permissions.staff
def grade(quiz_id: int, answer_id: int) -> Any:
    item = results.quiz_answer(results.load_quiz(quiz_id), answer_id)
    form = GradeForm(prefix=f"a{item.id}")
    if form.validate_on_submit():
        fraction = (form.mark.data or 0.0) / item.mark
        outcome = submit(
            form,
            lambda: grading.grade_manually(
                item, fraction=fraction, comment=form.comment.data or "", by=current_user
            ),
        )
        if outcome.ok:
            flash(_("The mark was saved."), "success")
            show = "all" if request.form.get("show") == "all" else None
            target = url_for("quiz_results.grading", quiz_id=quiz_id, show=show)
            return redirect(f"{target}#answer-{item.id}")
    return _grading_page(quiz_id, failed=(item.id, form))


@bp.route("/<int:quiz_id>/regrade", methods=["GET", "POST"])
@permissions.staff
def regrade(quiz_id: int) -> Any:
    quiz = results.load_quiz(quiz_id)
    form = RegradeForm()
    if form.validate_on_submit():
        to_current = bool(form.current_versions.data)
        outcome = submit(form, lambda: grading.regrade(quiz, to_current_versions=to_current))
        if outcome.ok:
            changes = outcome.value or []
            results.load_members([change.attempt for change in changes])
            return render_template(
                "quizzes/results/regrade_report.html",
                quiz=quiz,
                changes=changes,
                to_current=to_current,
            )
    return render_template(
        "quizzes/results/regrade.html",
        quiz=quiz,
        form=form,
        finished=results.finished_count(quiz),
    )

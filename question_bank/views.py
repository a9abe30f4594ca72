"""The bank's pages for organizers and admins: the list with filters and bulk actions, and a
question's page with its preview and version history. Members never reach them."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.extensions import db
from lms.core.forms import submit
from question_bank.models import QuestionCategory
from question_bank.render import correct_answer_text
from question_bank.services import categories, questions
from question_bank.services.listing import QuestionFilter, question_query
from question_bank.types import registered_types

bp = Blueprint("bank", __name__, url_prefix="/bank")


def _filters() -> QuestionFilter:
    difficulty = request.args.get("difficulty", type=int)
    retired = request.args.get("retired", "no")
    return QuestionFilter(
        category_id=request.args.get("category", type=int),
        type=request.args.get("type", "") if request.args.get("type") in registered_types() else "",
        tag=request.args.get("tag", "")[:40],
        difficulty=difficulty if difficulty in range(1, 6) else None,
        retired=retired if retired in ("no", "yes", "all") else "no",
        text=request.args.get("q", "")[:100],
    )


@bp.route("/")
@permissions.staff
def index() -> Any:
    filters = _filters()
    category = db.session.get(QuestionCategory, filters.category_id or 0)
    page = db.paginate(
        question_query(filters, category.path if category else None),
        per_page=current_app.config["USERS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "question_bank/list.html",
        page=page,
        filters=filters,
        categories=categories.all_categories(),
        types=registered_types(),
        form=ConfirmForm(),
    )


@bp.route("/bulk", methods=["POST"])
@permissions.staff
def bulk() -> Any:
    form = ConfirmForm()
    ids = [int(v) for v in request.form.getlist("ids") if v.isdigit()]
    action = request.form.get("action", "")
    category_id = request.form.get("category_id", type=int)
    category = db.session.get(QuestionCategory, category_id) if category_id else None
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: questions.bulk_update(
                ids, action=action, category=category, tag=request.form.get("tag", "")
            ),
        )
        if outcome.ok:
            flash(_("%(n)d questions were changed.", n=outcome.value), "success")
    return redirect(
        request.referrer
        if request.referrer and "/bank" in request.referrer
        else url_for("bank.index")
    )


@bp.route("/questions/<int:question_id>")
@permissions.staff
def show(question_id: int) -> Any:
    question = questions.get_question(question_id)
    versions = list(question.versions)
    history = [
        (newer, questions.differences(older, newer))
        for older, newer in itertools.pairwise(versions)
    ]
    return render_template(
        "question_bank/question.html",
        question=question,
        version=question.current,
        history=list(reversed(history)),
        first=versions[0] if versions else None,
        types=registered_types(),
        duplicates=questions.duplicates_of(
            question.category, question.current.stem_md, except_id=question.id
        ),
        correct_answer=correct_answer_text(question.current),
        form=ConfirmForm(),
    )


@bp.route("/questions/<int:question_id>/retire", methods=["POST"])
@permissions.staff
def retire(question_id: int) -> Any:
    question = questions.get_question(question_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: questions.set_retired(question, not question.is_retired)).ok
    ):
        flash(
            _("The question is retired.")
            if question.is_retired
            else _("The question is in use again."),
            "success",
        )
    return redirect(url_for("bank.show", question_id=question.id))

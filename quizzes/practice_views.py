"""Practice, the daily quiz (每日答题) and the wrong-answer notebook (错题本).

These pages only start sessions; a session is an attempt without a quiz, answered and reviewed
on the attempt page (``quizzes.attempt``) like any other.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.core.forms import submit
from question_bank.services.categories import all_categories
from quizzes.models import Attempt
from quizzes.practice_forms import NotebookPracticeForm, PracticeForm, PracticeSettingsForm
from quizzes.services import daily as daily_quiz
from quizzes.services import notebook as wrong_answers
from quizzes.services import practice

bp = Blueprint("practice", __name__)


def _to_attempt(attempt: Attempt | None) -> Any:
    assert attempt is not None  # noqa: S101 - a successful start always gives the session
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id))


def _practice_page(form: PracticeForm) -> str:
    return render_template(
        "quizzes/practice/index.html",
        form=form,
        offers=practice.offers(),
        unfinished=practice.unfinished_sessions(current_user),
    )


@bp.route("/practice")
@permissions.authenticated
def index() -> Any:
    return _practice_page(PracticeForm())


@bp.route("/practice/start", methods=["POST"])
@permissions.authenticated
def start() -> Any:
    form = PracticeForm()
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: practice.start_practice(current_user, form.category.data, form.size.data),
        )
        if outcome.ok:
            return _to_attempt(outcome.value)
    return _practice_page(form)


@bp.route("/daily")
@permissions.authenticated
def daily() -> Any:
    return render_template(
        "quizzes/practice/daily.html",
        status=daily_quiz.status(current_user),
        form=ConfirmForm(),
    )


@bp.route("/daily/start", methods=["POST"])
@permissions.authenticated
def start_daily() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
    else:
        outcome = submit(form, lambda: daily_quiz.start_daily(current_user))
        if outcome.ok:
            return _to_attempt(outcome.value)
    return redirect(url_for("practice.daily"))


@bp.route("/notebook")
@permissions.authenticated
def notebook() -> Any:
    categories = wrong_answers.categories_with_open_entries(current_user)
    wanted = request.args.get("category", type=int)
    chosen = next((c for c in categories if c.id == wanted), None)
    return render_template(
        "quizzes/practice/notebook.html",
        entries=wrong_answers.entries(current_user, category=chosen),
        cleared=wrong_answers.entries(current_user, cleared=True),
        categories=categories,
        chosen=chosen,
        form=NotebookPracticeForm(formdata=None, category=chosen.id if chosen else ""),
    )


@bp.route("/notebook/practise", methods=["POST"])
@permissions.authenticated
def practise_notebook() -> Any:
    form = NotebookPracticeForm()
    category_id = form.category_id()
    if not form.validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
    else:
        outcome = submit(form, lambda: practice.start_notebook_session(current_user, category_id))
        if outcome.ok:
            return _to_attempt(outcome.value)
    return redirect(url_for("practice.notebook", category=category_id))


@bp.route("/manage/practice", methods=["GET", "POST"])
@permissions.admin
def manage() -> Any:
    current = daily_quiz.current_settings()
    form = PracticeSettingsForm(
        practice_categories=practice.chosen_ids(),
        daily_categories=current.category_ids,
        daily_count=current.count,
    )
    choices = as_choices((c.id, c.path) for c in all_categories())
    form.practice_categories.choices = choices
    form.daily_categories.choices = choices
    if form.validate_on_submit():
        outcome = submit(form, lambda: _save_settings(form))
        if outcome.ok:
            flash(_("Practice and daily quiz settings saved."), "success")
            return redirect(url_for("practice.manage"))
    return render_template("quizzes/practice/manage.html", form=form)


def _save_settings(form: PracticeSettingsForm) -> None:
    practice.set_practice_categories(form.practice_categories.data or [])
    daily_quiz.save_settings(form.daily_categories.data or [], form.daily_count.data or 0)

"""The bank's category tree: create, rename, move, and delete when empty."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.core.extensions import db
from lms.core.forms import submit
from question_bank.forms import CategoryForm
from question_bank.models import Question, QuestionCategory
from question_bank.services import categories

bp = Blueprint("bank_categories", __name__, url_prefix="/bank/categories")
TOP = 0


def _prepare(form: CategoryForm, category: QuestionCategory | None) -> None:
    choices = [(TOP, _("— none: a top-level category —"))]
    for candidate in categories.all_categories():
        if category is not None and (
            candidate.id == category.id or candidate.path.startswith(category.path + "/")
        ):
            continue
        choices.append((candidate.id, candidate.path))
    form.parent_id.choices = as_choices(choices)


def _parent(form: CategoryForm) -> QuestionCategory | None:
    return categories.get_category(form.parent_id.data) if form.parent_id.data else None


@bp.route("/")
@permissions.staff
def index() -> Any:
    counts = dict(
        db.session.execute(
            select(Question.category_id, func.count()).group_by(Question.category_id)
        ).all()
    )
    return render_template(
        "question_bank/categories.html",
        categories=categories.all_categories(),
        counts=counts,
        form=ConfirmForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@permissions.staff
def create() -> Any:
    form = CategoryForm(parent_id=request.args.get("parent", TOP, type=int))
    _prepare(form, None)
    if (
        form.validate_on_submit()
        and submit(form, lambda: categories.create_category(form.name.data or "", _parent(form))).ok
    ):
        flash(_("Category saved."), "success")
        return redirect(url_for("bank_categories.index"))
    return render_template("question_bank/category_form.html", form=form, category=None)


@bp.route("/<int:category_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit(category_id: int) -> Any:
    category = categories.get_category(category_id)
    form = CategoryForm(obj=category)
    _prepare(form, category)
    if request.method == "GET":
        form.parent_id.data = category.parent_id or TOP
    if (
        form.validate_on_submit()
        and submit(
            form,
            lambda: categories.update_category(
                category, name=form.name.data or "", parent=_parent(form)
            ),
        ).ok
    ):
        flash(_("Category saved."), "success")
        return redirect(url_for("bank_categories.index"))
    return render_template("question_bank/category_form.html", form=form, category=category)


@bp.route("/<int:category_id>/delete", methods=["POST"])
@permissions.staff
def delete(category_id: int) -> Any:
    category = categories.get_category(category_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: categories.delete_category(category)).ok:
        flash(_("Category deleted."), "success")
    return redirect(url_for("bank_categories.index"))

"""Organizer pages: building quizzes from the bank, publishing them, attaching them to courses."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from courses.permissions import can_edit_course
from courses.services import authoring as course_authoring
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.accounts.models import OrgUnit
from lms.accounts.services import org_units
from lms.core.clock import from_local, to_local
from lms.core.extensions import db
from lms.core.forms import submit
from question_bank.models import QuestionCategory
from question_bank.services import categories
from question_bank.services.listing import QuestionFilter, question_query
from question_bank.types import registered_types
from quizzes.manage_forms import AttachForm, FixedSlotForm, QuizForm, RandomSlotForm
from quizzes.models import Quiz
from quizzes.services import authoring
from quizzes.services.authoring import QuizSettings, SlotSpec
from quizzes.services.owners import owner_of

bp = Blueprint("quiz_manage", __name__, url_prefix="/manage/quizzes")
SEARCH_RESULTS = 20


def _settings(form: QuizForm) -> QuizSettings:
    zone = current_app.config["TIMEZONE"]
    minutes = form.time_limit_minutes.data
    unit_ids = form.unit_ids.data or []
    units = (
        list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(unit_ids))))
        if unit_ids
        else []
    )
    return QuizSettings(
        title=form.title.data or "",
        description_md=form.description_md.data or "",
        time_limit_seconds=minutes * 60 if minutes is not None else None,
        grace_seconds=form.grace_seconds.data,
        opens_at=from_local(form.opens_at.data, zone) if form.opens_at.data else None,
        closes_at=from_local(form.closes_at.data, zone) if form.closes_at.data else None,
        max_attempts=form.max_attempts.data,
        grading=form.grading.data,
        pass_percent=form.pass_percent.data,
        shuffle_questions=bool(form.shuffle_questions.data),
        shuffle_options=bool(form.shuffle_options.data),
        one_per_page=form.layout.data == "one",
        feedback=form.feedback.data,
        review_marks=form.review_marks.data,
        review_answers=form.review_answers.data,
        review_explanations=form.review_explanations.data,
        units=units,
    )


def _fill(form: QuizForm, quiz: Quiz) -> None:
    """The quiz's settings in the form's terms: minutes, local times, a layout choice."""
    zone = current_app.config["TIMEZONE"]
    form.time_limit_minutes.data = (
        -(-quiz.time_limit_seconds // 60) if quiz.time_limit_seconds else None
    )
    form.opens_at.data = to_local(quiz.opens_at, zone) if quiz.opens_at else None
    form.closes_at.data = to_local(quiz.closes_at, zone) if quiz.closes_at else None
    form.layout.data = "one" if quiz.one_per_page else "all"
    form.unit_ids.data = [unit.id for unit in quiz.units]


def _quiz_form(quiz: Quiz | None = None) -> QuizForm:
    form = QuizForm(obj=quiz)
    form.unit_ids.choices = as_choices((u.id, u.path) for u in org_units.all_units())
    if quiz is not None and request.method == "GET":
        _fill(form, quiz)
    return form


@bp.route("")
@permissions.staff
def index() -> Any:
    return render_template("quizzes/manage/index.html", rows=authoring.quiz_overview())


@bp.route("/new", methods=["GET", "POST"])
@permissions.staff
def create() -> Any:
    form = _quiz_form()
    if form.validate_on_submit():
        outcome = submit(
            form, lambda: authoring.create_quiz(_settings(form), created_by=current_user)
        )
        if outcome.ok:
            flash(_("Quiz created. Now add its questions."), "success")
            return redirect(url_for("quiz_manage.show", quiz_id=outcome.value.id))
    return render_template("quizzes/manage/quiz_form.html", form=form, quiz=None)


@bp.route("/<int:quiz_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit(quiz_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = _quiz_form(quiz)
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.update_quiz(quiz, _settings(form))).ok
    ):
        flash(_("Quiz settings saved."), "success")
        return redirect(url_for("quiz_manage.show", quiz_id=quiz.id))
    return render_template(
        "quizzes/manage/quiz_form.html", form=form, quiz=quiz, owner=owner_of(quiz.id)
    )


def _slot_forms(
    fixed: FixedSlotForm | None = None, rule: RandomSlotForm | None = None
) -> tuple[FixedSlotForm, RandomSlotForm]:
    fixed = fixed or FixedSlotForm(formdata=None)
    rule = rule or RandomSlotForm(formdata=None)
    _rule_choices(rule)
    return fixed, rule


def _rule_choices(form: RandomSlotForm) -> None:
    form.category_id.choices = as_choices((c.id, c.path) for c in categories.all_categories())
    form.difficulty.choices = [("", _("Any difficulty"))] + [(str(n), "★" * n) for n in range(1, 6)]
    form.type.choices = [("", _("Any type"))] + [
        (key, str(kind.label)) for key, kind in registered_types().items()
    ]


def _search() -> tuple[QuestionFilter | None, list[Any]]:
    """Bank questions matching the page's search, when a search was made."""
    text = request.args.get("q", "")[:100].strip()
    category_id = request.args.get("category", type=int)
    if not text and not category_id:
        return None, []
    filters = QuestionFilter(category_id=category_id, text=text)
    category = db.session.get(QuestionCategory, category_id or 0)
    query = question_query(filters, category.path if category else None).limit(SEARCH_RESULTS)
    return filters, list(db.session.scalars(query).unique())


def _show(quiz: Quiz, fixed: FixedSlotForm | None = None, rule: RandomSlotForm | None = None):
    fixed_form, rule_form = _slot_forms(fixed, rule)
    attach_form = AttachForm(formdata=None)
    modules = authoring.modules_to_attach_to(current_user)
    attach_form.module_id.choices = as_choices(
        (m.id, f"{m.course.title} · {m.title}") for m in modules
    )
    filters, found = _search()
    item = course_authoring.get_item(quiz.item_id) if quiz.item_id else None
    return render_template(
        "quizzes/manage/quiz.html",
        quiz=quiz,
        owner=owner_of(quiz.id),
        questions=authoring.fixed_questions(quiz),
        total_marks=authoring.total_marks(quiz),
        question_count=authoring.question_count(quiz),
        has_attempts=authoring.has_attempts(quiz),
        fixed_form=fixed_form,
        rule_form=rule_form,
        attach_form=attach_form,
        action_form=ConfirmForm(formdata=None),
        categories=categories.all_categories(),
        types=registered_types(),
        filters=filters,
        found=found,
        item=item,
        search_limit=SEARCH_RESULTS,
    )


@bp.route("/<int:quiz_id>")
@permissions.staff
def show(quiz_id: int) -> Any:
    return _show(authoring.get_quiz(quiz_id))


def _slots_changed(quiz: Quiz, message: str) -> Any:
    flash(message, "success")
    if authoring.has_attempts(quiz):
        flash(_("Attempts already made keep the questions they drew."), "info")
    return redirect(url_for("quiz_manage.show", quiz_id=quiz.id) + "#slots")


@bp.route("/item/<int:item_id>")
@permissions.staff
def for_item(item_id: int) -> Any:
    """The authoring page of the quiz that a course item is (course outlines link here)."""
    quiz = authoring.quiz_of_item(item_id)
    if quiz is None:
        abort(404)
    return redirect(url_for("quiz_manage.show", quiz_id=quiz.id))


@bp.route("/<int:quiz_id>/slots/question", methods=["POST"])
@permissions.staff
def add_question(quiz_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = FixedSlotForm()
    if form.validate_on_submit():
        spec = SlotSpec(question_id=form.question_id.data, mark=form.mark.data)
        if submit(form, lambda: authoring.add_slot(quiz, spec)).ok:
            return _slots_changed(quiz, _("Question added."))
    return _show(quiz, fixed=form)


def _tags(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.strip() for t in text.replace("，", ",").split(",") if t.strip()))


@bp.route("/<int:quiz_id>/slots/rule", methods=["POST"])
@permissions.staff
def add_rule(quiz_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = RandomSlotForm()
    _rule_choices(form)
    if form.validate_on_submit():
        spec = SlotSpec(
            category=categories.get_category(form.category_id.data),
            include_subcategories=bool(form.include_subcategories.data),
            tags=_tags(form.tags.data or ""),
            difficulty=int(form.difficulty.data) if form.difficulty.data else None,
            type=form.type.data or None,
            count=form.count.data,
            mark=form.mark.data,
        )
        if submit(form, lambda: authoring.add_slot(quiz, spec)).ok:
            return _slots_changed(quiz, _("Random questions added."))
    return _show(quiz, rule=form)


@bp.route("/<int:quiz_id>/slots/<int:slot_id>/remove", methods=["POST"])
@permissions.staff
def remove_slot(quiz_id: int, slot_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: authoring.remove_slot(quiz, slot_id)).ok:
        return _slots_changed(quiz, _("Slot removed."))
    return redirect(url_for("quiz_manage.show", quiz_id=quiz.id) + "#slots")


@bp.route("/<int:quiz_id>/slots/<int:slot_id>/move", methods=["POST"])
@permissions.staff
def move_slot(quiz_id: int, slot_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = ConfirmForm()
    offset = -1 if request.form.get("direction") == "up" else 1
    if form.validate_on_submit():
        submit(form, lambda: authoring.move_slot(quiz, slot_id, offset))
    return redirect(url_for("quiz_manage.show", quiz_id=quiz.id) + "#slots")


@bp.route("/<int:quiz_id>/publish", methods=["POST"])
@permissions.staff
def publish(quiz_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = ConfirmForm()
    published = not quiz.is_published
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.set_published(quiz, published)).ok
    ):
        flash(
            _("Published: members of its audience can take it.")
            if published
            else _("Unpublished: members can no longer start it."),
            "success",
        )
    return redirect(url_for("quiz_manage.show", quiz_id=quiz.id))


@bp.route("/<int:quiz_id>/attach", methods=["POST"])
@permissions.staff
def attach(quiz_id: int) -> Any:
    quiz = authoring.get_quiz(quiz_id)
    form = AttachForm()
    form.module_id.choices = as_choices(
        (m.id, m.title) for m in authoring.modules_to_attach_to(current_user)
    )
    if form.validate_on_submit():
        module = course_authoring.get_module(form.module_id.data)
        if not can_edit_course(current_user, module.course):
            abort(403)
        if submit(form, lambda: authoring.attach_to_module(quiz, module)).ok:
            flash(
                _("The quiz is now an item of “%(title)s”.", title=module.course.title), "success"
            )
    else:
        for error in form.module_id.errors:
            flash(error, "error")
    return redirect(url_for("quiz_manage.show", quiz_id=quiz.id) + "#course")

"""The bank's pages for organizers and admins: the list with filters and bulk actions, and a
question's page with its preview and version history. Members never reach them."""

from __future__ import annotations

import io
import itertools
from typing import Any

from flask import (
    Blueprint,
    current_app,
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

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.errors import DomainError
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.http import parse_id
from lms.core.spreadsheets import MIMETYPES
from question_bank.forms import FIELDS_OF_TYPE, QuestionForm, question_form
from question_bank.models import Question, QuestionCategory
from question_bank.render import correct_answer_text, option_html
from question_bank.services import categories, questions
from question_bank.services.exporting import export_report
from question_bank.services.form_input import (
    DefinitionFields,
    definition_from_fields,
    fields_from_definition,
)
from question_bank.services.listing import QuestionFilter, question_query
from question_bank.services.questions import QuestionContent
from question_bank.types import registered_types

bp = Blueprint("bank", __name__, url_prefix="/bank")
bp.add_app_template_global(option_html, "option_html")


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
    ids = [int(v) for v in request.form.getlist("ids") if parse_id(v) is not None]
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


def _content(form: QuestionForm, kind: str) -> QuestionContent:
    given = {name: form[name].data for name in FIELDS_OF_TYPE[kind]}
    fields = DefinitionFields(**{k: v for k, v in given.items() if v is not None})
    return QuestionContent(
        type=kind,
        stem_md=form.stem.data or "",
        definition=definition_from_fields(kind, fields),
        explanation_md=form.explanation.data or "",
        difficulty=form.difficulty.data or 3,
        default_mark=float(form.default_mark.data or 1),
        title=form.title.data or "",
        source=form.source.data or "",
    )


def _tags(form: QuestionForm) -> list[str]:
    return [t.strip() for t in (form.tags.data or "").replace("，", ",").split(",") if t.strip()]


def _warn_duplicates(question: Question) -> None:
    if questions.duplicates_of(question.category, question.current.stem_md, except_id=question.id):
        flash(_("Careful: this category already has a question with the same text."), "info")


def _form_page(form: QuestionForm, kind: str, question: Question | None) -> Any:
    return render_template(
        "question_bank/question_form.html",
        form=form,
        kind=kind,
        kind_label=registered_types()[kind].label,
        question=question,
        fields=FIELDS_OF_TYPE[kind],
    )


@bp.route("/questions/new", methods=["GET", "POST"])
@permissions.staff
def create() -> Any:
    kind = request.args.get("type", "single_choice")
    if kind not in FIELDS_OF_TYPE:
        kind = "single_choice"
    form = question_form(kind)()
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: questions.create_question(
                categories.ensure_path(form.category_path.data or ""),
                _content(form, kind),
                tags=_tags(form),
                by=current_user,
            ),
        )
        if outcome.ok:
            flash(_("Question saved."), "success")
            _warn_duplicates(outcome.value)
            return redirect(url_for("bank.show", question_id=outcome.value.id))
    return _form_page(form, kind, None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit(question_id: int) -> Any:
    question = questions.get_question(question_id)
    version = question.current
    kind = version.type
    form = question_form(kind)()
    if request.method == "GET":
        form.process(
            data={
                "category_path": question.category.path,
                "title": version.title,
                "stem": version.stem_md,
                "difficulty": version.difficulty,
                "default_mark": version.default_mark,
                "tags": ", ".join(t.name for t in question.tags),
                "explanation": version.explanation_md,
                "source": version.source,
                **vars(fields_from_definition(kind, version.definition)),
            }
        )
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: questions.edit_question(
                question,
                _content(form, kind),
                category=categories.ensure_path(form.category_path.data or ""),
                tags=_tags(form),
                by=current_user,
            ),
        )
        if outcome.ok:
            flash(_("Saved as version %(n)d.", n=question.current.number), "success")
            _warn_duplicates(question)
            return redirect(url_for("bank.show", question_id=question.id))
    return _form_page(form, kind, question)


EXPORT_NAMES = {
    "gift": "gift.txt",
    "moodle-xml": "xml",
    "aiken": "aiken.txt",
    "xlsx": "xlsx",
    "csv": "csv",
}
EXPORT_TYPES = {
    "gift": "text/plain; charset=utf-8",
    "moodle-xml": "application/xml",
    "aiken": "text/plain; charset=utf-8",
    **MIMETYPES,
}


@bp.route("/export/<any(gift, 'moodle-xml', aiken, xlsx, csv):fmt>")
@permissions.staff
def export(fmt: str) -> Any:
    """The questions the list shows (its filters), or only those ticked (``ids``). When the
    format cannot hold some of them, a page says which and why before the download."""
    filters = _filters()
    category = db.session.get(QuestionCategory, filters.category_id or 0)
    query = question_query(filters, category.path if category else None)
    ids = [int(v) for v in request.args.getlist("ids") if parse_id(v) is not None]
    if ids:
        query = query.where(Question.id.in_(ids))
    found = list(db.session.scalars(query).unique())
    report = export_report(found, fmt)
    if (report.skipped or report.changed) and not request.args.get("confirm"):
        arguments = request.args.to_dict(flat=False)
        arguments["confirm"] = ["1"]
        return render_template(
            "question_bank/export_report.html",
            report=report,
            total=len(found),
            fmt=fmt,
            download=url_for("bank.export", fmt=fmt, **arguments),
        )
    return send_file(
        io.BytesIO(report.data),
        mimetype=EXPORT_TYPES[fmt],
        as_attachment=True,
        download_name=f"questions.{EXPORT_NAMES[fmt]}",
    )


@bp.route("/questions/preview", methods=["POST"])
@permissions.staff
def live_preview() -> Any:
    """The question being written, rendered as members will see it (for the form's preview)."""
    kind = request.args.get("type", "")
    if kind not in FIELDS_OF_TYPE:
        return jsonify({"error": _("Unknown question type “%(key)s”.", key=kind)}), 400
    form = question_form(kind)(meta={"csrf": False})
    try:
        content = _content(form, kind).checked()
    except DomainError as error:
        return jsonify({"error": error.message})
    return jsonify(
        {"html": render_template("question_bank/_preview_fragment.html", version=content)}
    )

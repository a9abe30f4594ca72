"""Member pages: the quizzes a member may take, the start page, the attempt, the review.

The attempt page is a plain form that works without JavaScript: every button posts the answers
shown and then does its action (go to a page, flag, check, hand in). static/js/quiz.js adds
saving on change through the API, the countdown and the confirmation before handing in.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.core.clock import utcnow
from lms.core.errors import DomainError, ValidationError
from lms.core.extensions import db
from lms.core.forms import submit as run
from lms.core.sqlite import writes_on_get
from quizzes.models import Attempt, Mode, State
from quizzes.services import answers, attempts, daily, responses, timing
from quizzes.services.attempts import ClosedError
from quizzes.services.authoring import question_count, quiz_of_item, total_marks
from quizzes.services.catalogue import catalogue
from quizzes.services.owners import owner_of
from quizzes.services.presentation import attempt_view
from quizzes.services.review import is_immediate, visibility

bp = Blueprint("quizzes", __name__)

MODE_TITLES = {
    Mode.PRACTICE: _l("Practice"),
    Mode.DAILY: _l("Daily quiz"),
    Mode.NOTEBOOK: _l("Wrong-answer notebook practice"),
}
ACTION = re.compile(r"^(save|finish|goto-\d{1,4}|flag-\d{1,4}|check-\d{1,4})$")


@bp.route("/quizzes")
@permissions.authenticated
def index() -> Any:
    return render_template("quizzes/index.html", groups=catalogue(current_user))


@bp.route("/quizzes/item/<int:item_id>")
@permissions.authenticated
def course_item(item_id: int) -> Any:
    """A quiz inside a course: its start page."""
    quiz = quiz_of_item(item_id)
    if quiz is None:
        abort(404)
    return redirect(url_for("quizzes.start_page", quiz_id=quiz.id))


@bp.route("/quizzes/<int:quiz_id>")
@permissions.authenticated
def start_page(quiz_id: int) -> Any:
    quiz = attempts.quiz_for(current_user, quiz_id)
    tried = attempts.attempts_of(current_user, quiz)
    now = utcnow()
    current = next((a for a in tried if a.state == State.IN_PROGRESS), None)
    return render_template(
        "quizzes/start.html",
        quiz=quiz,
        tried=[(a, visibility(a, current_user, now)) for a in tried],
        current=current if current is not None and not timing.is_overdue(current, now) else None,
        left=attempts.attempts_left(quiz, len(tried)),
        is_open=timing.is_open(quiz, now),
        is_closed=timing.is_closed(quiz, now),
        question_count=question_count(quiz),
        total_marks=total_marks(quiz),
        owner=owner_of(quiz.id),
        form=ConfirmForm(),
    )


@bp.route("/quizzes/<int:quiz_id>/start", methods=["POST"])
@permissions.authenticated
def start(quiz_id: int) -> Any:
    quiz = attempts.quiz_for(current_user, quiz_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        outcome = run(form, lambda: attempts.start(current_user, quiz))
        if outcome.ok and outcome.value is not None:
            return redirect(url_for("quizzes.attempt", attempt_id=outcome.value.id))
    return redirect(url_for("quizzes.start_page", quiz_id=quiz.id))


def _own_attempt(attempt_id: int) -> Attempt:
    """The current member's own attempt (finalised when overdue); anyone else's is a 404."""
    attempt = attempts.attempt_for(current_user, attempt_id)
    if attempt.user_id != current_user.id:
        abort(404)
    db.session.commit()  # keep a finalisation of an overdue attempt
    return attempt


def attempt_title(attempt: Attempt) -> str:
    if attempt.quiz is not None:
        return attempt.quiz.title
    return str(MODE_TITLES.get(Mode(attempt.mode), _("Practice")))


def _shown(view: dict[str, Any]) -> dict[str, Any]:
    """The view with its ``*_html`` strings marked safe: attempt_view escaped or sanitised them
    (option texts escaped, stems and explanations through render_markdown)."""
    for item in view["items"]:
        for key, value in list(item.items()):
            if key.endswith("_html") and isinstance(value, str):
                item[key] = Markup(value)  # noqa: S704 - sanitised by attempt_view
        for key in ("options", "left", "right"):
            for option in item.get(key, []):
                option["text_html"] = Markup(option["text_html"])  # noqa: S704 - escaped there
        for token, text in item.get("option_feedback_html", {}).items():
            item["option_feedback_html"][token] = Markup(text)  # noqa: S704 - escaped there
    return view


def _ms_left(attempt: Attempt) -> int | None:
    """The time left to the millisecond, so the page hands in only once the server's deadline
    has passed (the whole seconds of attempt_view run up to a second early)."""
    if attempt.deadline_at is None:
        return None
    return max(0, int((attempt.deadline_at - utcnow()).total_seconds() * 1000))


def _pages(attempt: Attempt) -> int:
    one_per_page = attempt.quiz is not None and attempt.quiz.one_per_page
    return len(attempt.items) if one_per_page else 1


@bp.route("/attempts/<int:attempt_id>")
@permissions.authenticated
@writes_on_get
def attempt(attempt_id: int) -> Any:
    found = _own_attempt(attempt_id)
    if found.is_finished:
        return redirect(url_for("quizzes.review", attempt_id=found.id))
    view = _shown(attempt_view(found, current_user))
    pages = _pages(found)
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    shown = view["items"][page - 1 : page] if pages > 1 else view["items"]
    return render_template(
        "quizzes/attempt.html",
        attempt=found,
        title=attempt_title(found),
        view=view,
        shown=shown,
        api_base=f"{request.script_root}/api/v1/attempts/{found.id}",
        ms_left=_ms_left(found),
        page=page,
        pages=pages,
        immediate=is_immediate(found),
        confirming=request.args.get("finish") == "1",
        owner=owner_of(found.quiz_id),
        unanswered=[item["slot"] for item in view["items"] if item["answer"] is None],
        form=ConfirmForm(),
    )


def _save_shown(found: Attempt) -> list[str]:
    """Save every answer the posted page showed that changed; the problems, per question."""
    problems = []
    for item in found.items:
        present, answer = responses.from_form(item, request.form, f"q{item.slot}")
        if not present or item.checked_at is not None:
            continue
        if answer == responses.to_client(item, item.response):
            continue
        try:
            answers.save_answer(found, item.slot, answer, item.sequence + 1)
        except ValidationError as error:
            problems.append(_("Question %(n)d: %(message)s", n=item.slot, message=error.message))
    return problems


def _closed_page(found: Attempt, error: DomainError) -> Any:
    db.session.commit()  # the attempt was just finished by its deadline: keep that
    page = render_template(
        "quizzes/closed.html",
        attempt=found,
        title=attempt_title(found),
        message=error.message,
        owner=owner_of(found.quiz_id),
    )
    return page, 409


@bp.route("/attempts/<int:attempt_id>", methods=["POST"])
@permissions.authenticated
def save(attempt_id: int) -> Any:
    found = _own_attempt(attempt_id)
    form = ConfirmForm()
    action = request.form.get("action", "save")
    if not form.validate_on_submit() or not ACTION.match(action):
        flash(_("The form expired. Please reload the page and try again."), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    page = request.form.get("page", 1, type=int)
    try:
        problems = _save_shown(found)
        kind, _sep, number = action.partition("-")
        if kind == "flag":
            flagged = attempts.item_at(found, int(number)).is_flagged
            answers.set_flag(found, int(number), not flagged)
        elif kind == "check":
            answers.check(found, int(number))
        elif kind == "goto":
            page = int(number)
    except ClosedError as error:
        return _closed_page(found, error)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("quizzes.attempt", attempt_id=found.id, page=page))
    db.session.commit()
    for problem in problems:
        flash(problem, "error")
    if kind == "finish" and not problems:
        return redirect(url_for("quizzes.attempt", attempt_id=found.id, page=page, finish=1))
    anchor = f"q{number}" if kind in ("flag", "check") else None
    return redirect(url_for("quizzes.attempt", attempt_id=found.id, page=page, _anchor=anchor))


@bp.route("/attempts/<int:attempt_id>/submit", methods=["POST"])
@permissions.authenticated
def submit(attempt_id: int) -> Any:
    """Hand in: the answers the page still shows are saved first (when time allows)."""
    found = _own_attempt(attempt_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please reload the page and try again."), "error")
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    if found.state == State.IN_PROGRESS:
        try:
            for problem in _save_shown(found):
                flash(problem, "error")
        except ClosedError:
            db.session.commit()  # time ran out: the attempt stands as it was saved
    attempts.submit(found)
    db.session.commit()
    if found.finished_by == "timeout":
        flash(_("Time is up: your attempt was submitted automatically."), "info")
    owner = owner_of(found.quiz_id)
    if owner is not None:  # back where the member came from (a competition)
        flash(_("%(part)s is handed in.", part=owner.part or attempt_title(found)), "success")
        return redirect(url_for(owner.endpoint, **owner.values))
    return redirect(url_for("quizzes.review", attempt_id=found.id))


@bp.route("/attempts/<int:attempt_id>/review")
@permissions.authenticated
@writes_on_get
def review(attempt_id: int) -> Any:
    found = attempts.attempt_for(current_user, attempt_id)
    db.session.commit()  # keep a finalisation of an overdue attempt
    if not found.is_finished:
        if found.user_id != current_user.id:
            abort(404)
        return redirect(url_for("quizzes.attempt", attempt_id=found.id))
    return render_template(
        "quizzes/review.html",
        attempt=found,
        title=attempt_title(found),
        view=_shown(attempt_view(found, current_user)),
        daily_end=daily.end_of(found) if found.mode == Mode.DAILY else None,
        owner=owner_of(found.quiz_id),
    )

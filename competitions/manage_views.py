"""Organizer pages: building, running and publishing competitions, disqualifying entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from competitions.forms import AwardForm, CompetitionForm, ReasonForm
from competitions.models import Competition, CompetitionRound, Entry, EntryAction, Registration
from competitions.services import authoring, by_hand, integrity, leaderboards, stages, standings
from competitions.services.authoring import CompetitionSettings
from competitions.views import STAGE_LABELS
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, as_choices
from lms.accounts.models import OrgUnit, User
from lms.accounts.services import org_units
from lms.core.clock import from_local, to_local
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from lms.core.forms import submit
from quizzes.models import Quiz

bp = Blueprint("competition_manage", __name__, url_prefix="/manage/competitions")


@dataclass(frozen=True)
class EntryRow:
    entry: Entry
    rank: int | None
    unit: OrgUnit | None


def _quizzes_for_rounds(competition: Competition | None) -> list[Quiz]:
    """Quizzes a round may use: published ones that no other competition has taken, plus this
    competition's own rounds."""
    own = competition.id if competition else 0
    taken = select(CompetitionRound.quiz_id).where(CompetitionRound.competition_id != own)
    chosen = [r.quiz_id for r in competition.rounds] if competition else []
    condition = Quiz.is_published.is_(True) & Quiz.id.not_in(taken)
    if chosen:
        condition = condition | Quiz.id.in_(chosen)
    return list(db.session.scalars(select(Quiz).where(condition).order_by(Quiz.title)))


def _minutes(seconds: int | None) -> str:
    return _("%(n)d min", n=-(-seconds // 60)) if seconds else _("no time limit")


def _competition_form(competition: Competition | None = None) -> CompetitionForm:
    form = CompetitionForm(obj=competition)
    if competition is not None and request.method == "GET":
        zone = current_app.config["TIMEZONE"]
        form.registration_opens_at.data = to_local(competition.registration_opens_at, zone)
        form.starts_at.data = to_local(competition.starts_at, zone)
        form.ends_at.data = to_local(competition.ends_at, zone)
        form.quiz_ids.data = [r.quiz_id for r in competition.rounds]
        form.unit_ids.data = [unit.id for unit in competition.units]
    form.quiz_ids.choices = as_choices(
        (q.id, f"{q.title} · {_minutes(q.time_limit_seconds)}")
        for q in _quizzes_for_rounds(competition)
    )
    form.unit_ids.choices = as_choices((u.id, u.path) for u in org_units.all_units())
    return form


def _chosen(model: type[Any], ids: list[int] | None) -> list[Any]:
    """The rows of ``ids`` in the order they were chosen (round order)."""
    if not ids:
        return []
    found = {row.id: row for row in db.session.scalars(select(model).where(model.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _local(value: datetime) -> datetime:
    return from_local(value, current_app.config["TIMEZONE"])


def _settings(form: CompetitionForm) -> CompetitionSettings:
    return CompetitionSettings(
        title=form.title.data or "",
        rules_md=form.rules_md.data or "",
        registration_opens_at=_local(form.registration_opens_at.data),
        starts_at=_local(form.starts_at.data),
        ends_at=_local(form.ends_at.data),
        unit_metric=form.unit_metric.data,
        min_participants=form.min_participants.data,
        unit_depth=form.unit_depth.data,
        freeze_minutes=form.freeze_minutes.data,
        certificate_top_n=form.certificate_top_n.data,
        units=_chosen(OrgUnit, form.unit_ids.data),
    )


def _save(competition: Competition, form: CompetitionForm) -> Competition:
    authoring.update_competition(competition, _settings(form))
    authoring.set_rounds(competition, _chosen(Quiz, form.quiz_ids.data))
    return competition


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFoundError(_("This entry does not exist."))
    return entry


def _entry_rows(competition: Competition) -> list[EntryRow]:
    """Every entry, disqualified ones too, in board order with the rank the board gives it."""
    entries = list(
        db.session.scalars(
            select(Entry)
            .where(Entry.competition_id == competition.id)
            .options(selectinload(Entry.user))
            .order_by(
                Entry.disqualified_at.is_not(None),
                Entry.score.desc(),
                Entry.time_used_seconds,
                Entry.submitted_at,
            )
        )
    )
    board = leaderboards.people_board(competition, limit=max(len(entries), 1))
    ranks = {row.user_id: row.rank for row in board.entries}
    units = {u.id: u for u in _chosen(OrgUnit, sorted({e.unit_id for e in entries}))}
    return [
        EntryRow(
            entry,
            None if entry.disqualified_at else ranks.get(entry.user_id),
            units.get(entry.unit_id),
        )
        for entry in entries
    ]


def _hand_trail(competition: Competition) -> list[tuple[Any, User | None, User | None]]:
    """Freezes, reveals and awards by hand: each action, who took it and for whom."""
    actions = by_hand.actions_of(competition)
    ids = {a.by_id for a in actions if a.by_id} | {a.user_id for a in actions if a.user_id}
    people = {user.id: user for user in _chosen(User, sorted(ids))}
    return [(a, people.get(a.by_id or 0), people.get(a.user_id or 0)) for a in actions]


def _audit(competition: Competition) -> list[tuple[EntryAction, User | None, User]]:
    """The disqualify / reinstate trail: each action, who took it and whose entry it was."""
    rows = db.session.execute(
        select(EntryAction, Entry.user_id)
        .join(Entry, Entry.id == EntryAction.entry_id)
        .where(Entry.competition_id == competition.id)
        .order_by(EntryAction.at.desc(), EntryAction.id.desc())
    ).all()
    ids = {user_id for _action, user_id in rows} | {a.by_id for a, _u in rows if a.by_id}
    people = {user.id: user for user in _chosen(User, sorted(ids))}
    return [(action, people.get(action.by_id or 0), people[user_id]) for action, user_id in rows]


@bp.route("/")
@permissions.staff
def index() -> Any:
    competitions = list(
        db.session.scalars(select(Competition).order_by(Competition.starts_at.desc()))
    )
    counts = dict(
        db.session.execute(
            select(Registration.competition_id, func.count()).group_by(Registration.competition_id)
        ).all()
    )
    return render_template(
        "competitions/manage/index.html",
        rows=[(c, stages.stage_of(c), counts.get(c.id, 0)) for c in competitions],
        stage_labels=STAGE_LABELS,
    )


@bp.route("/new", methods=["GET", "POST"])
@permissions.staff
def create() -> Any:
    form = _competition_form()
    if form.validate_on_submit():
        outcome = submit(
            form,
            lambda: authoring.create_competition(
                _settings(form), _chosen(Quiz, form.quiz_ids.data), created_by=current_user
            ),
        )
        if outcome.ok and outcome.value is not None:
            flash(_("Competition saved as a draft. Publish it when it is ready."), "success")
            return redirect(url_for("competition_manage.show", competition_id=outcome.value.id))
    return render_template("competitions/manage/form.html", form=form, competition=None)


@bp.route("/<int:competition_id>/edit", methods=["GET", "POST"])
@permissions.staff
def edit(competition_id: int) -> Any:
    competition = authoring.get_competition(competition_id)
    form = _competition_form(competition)
    if form.validate_on_submit() and submit(form, lambda: _save(competition, form)).ok:
        flash(_("Competition saved."), "success")
        return redirect(url_for("competition_manage.show", competition_id=competition.id))
    return render_template("competitions/manage/form.html", form=form, competition=competition)


@bp.route("/<int:competition_id>")
@permissions.staff
def show(competition_id: int, award_form: AwardForm | None = None) -> Any:
    competition = authoring.get_competition(competition_id)
    display_url = None
    if competition.display_token and "competition_live.display" in current_app.view_functions:
        display_url = url_for(
            "competition_live.display", display_token=competition.display_token, _external=True
        )
    return render_template(
        "competitions/manage/show.html",
        competition=competition,
        stage=stages.stage_of(competition),
        stage_labels=STAGE_LABELS,
        rows=_entry_rows(competition),
        audit=_audit(competition),
        hand_trail=_hand_trail(competition),
        display_url=display_url,
        frozen=stages.is_frozen(competition),
        freeze_at=stages.freeze_at(competition),
        form=ConfirmForm(),
        reason_form=ReasonForm(formdata=None),
        award_form=award_form or AwardForm(formdata=None),
    )


@bp.route("/<int:competition_id>/publish", methods=["POST"])
@permissions.staff
def publish(competition_id: int) -> Any:
    competition = authoring.get_competition(competition_id)
    form = ConfirmForm()
    published = request.form.get("published") == "1"
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.set_published(competition, published)).ok
    ):
        flash(
            _("The competition is published.")
            if published
            else _("The competition is a draft again."),
            "success",
        )
    return redirect(url_for("competition_manage.show", competition_id=competition.id))


def _entry_action(entry_id: int, action: Any, done: str) -> Any:
    entry = _entry(entry_id)
    form = ReasonForm()
    if form.validate_on_submit():
        if submit(form, lambda: action(entry, form.reason.data or "", current_user)).ok:
            flash(done, "success")
    else:
        for error in form.reason.errors:
            flash(_("Reason: %(error)s", error=error), "error")
    return redirect(url_for("competition_manage.show", competition_id=entry.competition_id))


@bp.route("/entries/<int:entry_id>/disqualify", methods=["POST"])
@permissions.staff
def disqualify(entry_id: int) -> Any:
    return _entry_action(entry_id, integrity.disqualify, _("The entry is disqualified."))


@bp.route("/entries/<int:entry_id>/reinstate", methods=["POST"])
@permissions.staff
def reinstate(entry_id: int) -> Any:
    return _entry_action(entry_id, integrity.reinstate, _("The entry is reinstated."))


@bp.route("/<int:competition_id>/display", methods=["POST"])
@permissions.staff
def renew_display(competition_id: int) -> Any:
    competition = authoring.get_competition(competition_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.new_display_token(competition)).ok
    ):
        flash(_("A new big-screen link was made; any old link no longer works."), "success")
    return redirect(url_for("competition_manage.show", competition_id=competition.id))


@bp.route("/<int:competition_id>/display/revoke", methods=["POST"])
@permissions.staff
def revoke_display(competition_id: int) -> Any:
    competition = authoring.get_competition(competition_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: authoring.revoke_display_token(competition)).ok
    ):
        flash(_("The big-screen link is revoked."), "success")
    return redirect(url_for("competition_manage.show", competition_id=competition.id))


@bp.route("/<int:competition_id>/rebuild", methods=["POST"])
@permissions.staff
def rebuild(competition_id: int) -> Any:
    competition = authoring.get_competition(competition_id)
    form = ConfirmForm()
    outcome = (
        submit(form, lambda: standings.rebuild(competition)) if form.validate_on_submit() else None
    )
    if outcome is not None and outcome.ok:
        flash(_("The leaderboard was rebuilt from %(n)d entries.", n=outcome.value or 0), "success")
    return redirect(url_for("competition_manage.show", competition_id=competition.id))


def _board_action(competition_id: int, action: Any, done: str) -> Any:
    competition = authoring.get_competition(competition_id)
    form = ConfirmForm()
    if form.validate_on_submit() and submit(form, lambda: action(competition, current_user)).ok:
        flash(done, "success")
    return redirect(url_for("competition_manage.show", competition_id=competition.id))


@bp.route("/<int:competition_id>/freeze", methods=["POST"])
@permissions.staff
def freeze(competition_id: int) -> Any:
    return _board_action(competition_id, by_hand.freeze_board, _("The public board is frozen."))


@bp.route("/<int:competition_id>/reveal", methods=["POST"])
@permissions.staff
def reveal(competition_id: int) -> Any:
    return _board_action(competition_id, by_hand.reveal_board, _("The public board is revealed."))


@bp.route("/<int:competition_id>/awards", methods=["POST"])
@permissions.staff
def grant_award(competition_id: int) -> Any:
    competition = authoring.get_competition(competition_id)
    form = AwardForm()
    if form.validate_on_submit() and (
        submit(
            form,
            lambda: by_hand.grant_award(
                competition,
                form.username.data or "",
                form.title.data or "",
                form.reason.data or "",
                current_user,
            ),
        ).ok
    ):
        flash(_("The award is granted."), "success")
        return redirect(url_for("competition_manage.show", competition_id=competition.id))
    return show(competition_id, award_form=form), 400

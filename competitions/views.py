"""Member pages: competitions to join, registration, taking part, results."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from competitions.models import Competition, Entry, Registration, Stage
from competitions.services import (
    authoring,
    leaderboards,
    participation,
    registration,
    results,
    stages,
)
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.forms import submit

bp = Blueprint("competitions", __name__)

STAGE_LABELS = {
    Stage.DRAFT: _l("Draft"),
    Stage.UPCOMING: _l("Upcoming"),
    Stage.REGISTRATION: _l("Registration open"),
    Stage.RUNNING: _l("Running"),
    Stage.FINISHED: _l("Finished"),
    Stage.PUBLISHED: _l("Results published"),
}
# The stages a member may still register in; the service has the last word.
OPEN_FOR_REGISTRATION = frozenset({Stage.REGISTRATION, Stage.RUNNING})
TOP = 10


@dataclass(frozen=True)
class Card:
    """A competition as a list shows it: where it stands and whether the member is in."""

    competition: Competition
    stage: Stage
    registered: bool


def cards_for(user: User, *, current_only: bool = False) -> list[Card]:
    """The competitions ``user`` may see, soonest first; ``current_only`` keeps the upcoming,
    open and running ones (the home page)."""
    visible = stages.visible_to(user)
    mine = set(
        db.session.scalars(
            select(Registration.competition_id).where(
                Registration.user_id == user.id,
                Registration.competition_id.in_([c.id for c in visible]),
            )
        )
    )
    cards = [Card(c, stages.stage_of(c), c.id in mine) for c in visible]
    if current_only:
        finished = {Stage.FINISHED, Stage.PUBLISHED}
        cards = [card for card in cards if card.stage not in finished]
    return cards


def _visible_competition(competition_id: int) -> Competition:
    """A published competition the member is eligible for; staff also see drafts (preview)."""
    competition = authoring.get_competition(competition_id)
    if current_user.is_organizer:
        return competition
    if not competition.is_published or not stages.is_eligible(current_user, competition):
        abort(404)
    return competition


def _live_board_url(competition: Competition) -> str | None:
    """The live leaderboard page, once the live pages are installed."""
    if "competition_live.board" not in current_app.view_functions:
        return None
    return url_for("competition_live.board", competition_id=competition.id)


@bp.route("/competitions")
@permissions.authenticated
def index() -> Any:
    return render_template(
        "competitions/index.html",
        cards=cards_for(current_user),
        stage_labels=STAGE_LABELS,
        form=ConfirmForm(),
    )


@bp.route("/competitions/<int:competition_id>")
@permissions.authenticated
def show(competition_id: int) -> Any:
    competition = _visible_competition(competition_id)
    stage = stages.stage_of(competition)
    is_registered = registration.is_registered(current_user, competition)
    entry = db.session.scalar(
        select(Entry).where(
            Entry.competition_id == competition.id, Entry.user_id == current_user.id
        )
    )
    board = leaderboards.people_board(
        competition, limit=TOP, around=current_user, viewer=current_user
    )
    may_register = stage in OPEN_FOR_REGISTRATION and not is_registered
    steps = participation.round_steps(current_user, competition)
    return render_template(
        "competitions/show.html",
        competition=competition,
        stage=stage,
        stage_labels=STAGE_LABELS,
        is_registered=is_registered,
        may_register=may_register,
        steps=steps,
        action=participation.next_action(
            stage, registered=is_registered, may_register=may_register, steps=steps
        ),
        award=results.award_of(competition, current_user),
        server_time=utcnow(),
        participants=registration.participants_count(competition),
        entry=entry,
        board=board,
        units_board=leaderboards.units_board(competition),
        live_url=_live_board_url(competition),
        form=ConfirmForm(),
    )


@bp.route("/competitions/<int:competition_id>/register", methods=["POST"])
@permissions.authenticated
def register(competition_id: int) -> Any:
    competition = _visible_competition(competition_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: registration.register(current_user, competition)).ok
    ):
        flash(_("You are registered. Good luck!"), "success")
    return redirect(url_for("competitions.show", competition_id=competition.id))


@bp.route("/competitions/<int:competition_id>/unregister", methods=["POST"])
@permissions.authenticated
def unregister(competition_id: int) -> Any:
    competition = _visible_competition(competition_id)
    form = ConfirmForm()
    if (
        form.validate_on_submit()
        and submit(form, lambda: registration.unregister(current_user, competition)).ok
    ):
        flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("competitions.show", competition_id=competition.id))

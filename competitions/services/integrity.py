"""Disqualifying and reinstating entries (audited), and deactivated members leaving boards.

A disqualified entry keeps its score, so reinstating it puts it back exactly where it was.
Accounts send no signal when a member is deactivated, so an attribute event watches
``User.is_active``: deactivating takes the member off every competition board, reactivating
puts their non-disqualified entries back.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import object_session
from sqlalchemy.orm.base import NO_VALUE

from competitions.models import Competition, Entry, EntryAction
from competitions.services import leaderboards, results
from competitions.services.standings import place_on_boards, take_off_boards
from competitions.signals import standings_changed
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, ValidationError
from lms.core.extensions import db

DISQUALIFY = "disqualify"
REINSTATE = "reinstate"


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason."), field="reason")
    if len(reason) > 500:
        raise ValidationError(_("The reason is too long (at most 500 characters)."), field="reason")
    return reason


def _audit(entry: Entry, action: str, reason: str, by: User | None) -> EntryAction:
    done = EntryAction(
        entry_id=entry.id, action=action, reason=reason, by_id=getattr(by, "id", None)
    )
    db.session.add(done)
    return done


def disqualify(entry: Entry, reason: str, by: User | None) -> Entry:
    """Take the entry off every board, with a reason kept in the audit trail."""
    reason = _reason(reason)
    if entry.disqualified_at is not None:
        raise ConflictError(_("This entry is already disqualified."), code="disqualified")
    entry.disqualified_at = utcnow()
    entry.disqualified_reason = reason
    action = _audit(entry, DISQUALIFY, reason, by)
    competition = db.session.get(Competition, entry.competition_id)
    take_off_boards(competition, entry.user_id)
    leaderboards.forget_recent(competition.id)
    db.session.flush()
    if competition.results_published_at is not None:
        results.withdraw_award(competition, entry, action.id, reason)
    standings_changed.send(competition_id=entry.competition_id)
    return entry


def reinstate(entry: Entry, reason: str, by: User | None) -> Entry:
    """Undo a disqualification: the entry goes back on the boards with its score."""
    reason = _reason(reason)
    if entry.disqualified_at is None:
        raise ConflictError(_("This entry is not disqualified."), code="not_disqualified")
    entry.disqualified_at = None
    entry.disqualified_reason = ""
    action = _audit(entry, REINSTATE, reason, by)
    competition = db.session.get(Competition, entry.competition_id)
    if entry.user.is_active:
        place_on_boards(competition, entry, entry.user_id)
    leaderboards.forget_recent(competition.id)
    db.session.flush()
    if competition.results_published_at is not None:
        results.reissue_award(competition, entry, action.id)
    standings_changed.send(competition_id=entry.competition_id)
    return entry


def history(entry: Entry) -> list[EntryAction]:
    return list(
        db.session.scalars(
            select(EntryAction).where(EntryAction.entry_id == entry.id).order_by(EntryAction.id)
        )
    )


@event.listens_for(User.is_active, "set", active_history=True)
def _follow_activation(user: User, active: Any, before: Any, _initiator: Any) -> None:
    """Deactivated members leave every board; reactivated ones come back (not if disqualified)."""
    session = object_session(user)
    if session is None or user.id is None or before is NO_VALUE:
        return
    if bool(active) == bool(before):
        return
    with session.no_autoflush:
        entries = session.scalars(select(Entry).where(Entry.user_id == user.id)).all()
        for entry in entries:
            competition = session.get(Competition, entry.competition_id)
            if not active:
                take_off_boards(competition, user.id)
            elif entry.disqualified_at is None:
                place_on_boards(competition, entry, entry.user_id)
            leaderboards.forget_recent(competition.id)
            standings_changed.send(competition_id=entry.competition_id)

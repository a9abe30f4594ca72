"""Final results of a competition: publishing them, awards with study points, certificates.

The ranking here is computed from the entries in the database by the published rules (score
descending, then time used ascending, then submission time ascending; an exact tie shares the
rank), so results never depend on the state of a cache or a ranking back end.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from competitions.models import Award, Competition, Entry, EntryAction, UnitMetric
from competitions.permissions import can_see_competition
from competitions.signals import results_published
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, NotFoundError
from lms.core.extensions import db
from lms.points import services as points
from lms.points.models import PointEntry
from lms.points.rules import RULES, effective

METRIC_LABELS = {
    UnitMetric.AVERAGE.value: _l("Average score"),
    UnitMetric.PARTICIPATION.value: _l("Participation rate"),
    UnitMetric.TOTAL.value: _l("Total score"),
}
TOP = "top"
FINISHER = "finisher"
SPECIAL = "special"  # given by hand, with its own title (competitions.services.by_hand)
CODE_BYTES = 10  # 80 random bits, printed as 20 hexadecimal characters
COMPETITION_RULES = ("competition_participation", "competition_placement")
# Point entries of a withdrawal or a reissue point at the audited action (EntryAction) behind it.
WITHDRAWN = "competition_withdrawal"
REISSUED = "competition_reissue"


@dataclass(frozen=True)
class ResultRow:
    """One participant's line in the results; ``rank`` is None for a disqualified entry."""

    rank: int | None
    entry_id: int
    user_id: int
    name: str
    unit_path: str
    score: float
    max_score: float
    time_used_seconds: int
    submitted_at: datetime
    disqualified: bool
    disqualified_reason: str


@dataclass(frozen=True)
class Certificate:
    award_id: int
    name: str
    competition_title: str
    kind: str
    rank: int
    place: str  # "Place 2", or "Completed" for a finisher
    issued_on: date
    code: str


def is_published(competition: Competition) -> bool:
    return competition.results_published_at is not None


def may_publish(competition: Competition) -> bool:
    """Whether the Publish button applies: the competition ended and nothing is published yet."""
    return not is_published(competition) and utcnow() >= competition.ends_at


def load_competition(competition_id: int, viewer: User) -> Competition:
    """The competition whose results ``viewer`` asks for: staff see any one; members only a
    published one open to them (another unit's competition does not exist for them)."""
    competition = db.session.get(Competition, competition_id)
    if competition is None or not can_see_competition(viewer, competition):
        raise NotFoundError(_("This competition does not exist."))
    return competition


def _finished_entries(competition: Competition) -> list[Entry]:
    """Entries of active members who submitted at least one round, in ranking order."""
    return list(
        db.session.scalars(
            select(Entry)
            .join(User, User.id == Entry.user_id)
            .options(joinedload(Entry.user))
            .where(
                Entry.competition_id == competition.id,
                Entry.rounds_done > 0,
                User.is_active.is_(True),
            )
            .order_by(
                Entry.score.desc(),
                Entry.time_used_seconds,
                Entry.submitted_at,
                Entry.id,
            )
        )
    )


def _ranked(entries: Sequence[Entry]) -> list[tuple[int, Entry]]:
    """Standard competition ranks (1, 2, 2, 4) over entries already in ranking order."""
    ranked: list[tuple[int, Entry]] = []
    previous: tuple[float, int, datetime] | None = None
    rank = 0
    for position, entry in enumerate(entries, start=1):
        key = (entry.score, entry.time_used_seconds, entry.submitted_at)
        if key != previous:
            rank = position
            previous = key
        ranked.append((rank, entry))
    return ranked


def _row(rank: int | None, entry: Entry) -> ResultRow:
    return ResultRow(
        rank=rank,
        entry_id=entry.id,
        user_id=entry.user_id,
        name=entry.user.display_name,
        unit_path=entry.user.unit.path,
        score=entry.score,
        max_score=entry.max_score,
        time_used_seconds=entry.time_used_seconds,
        submitted_at=entry.submitted_at,
        disqualified=entry.disqualified_at is not None,
        disqualified_reason=entry.disqualified_reason,
    )


def result_rows(competition: Competition, *, include_disqualified: bool = True) -> list[ResultRow]:
    """The ranked participants, then (for staff) the disqualified ones without a rank."""
    entries = _finished_entries(competition)
    standing = [entry for entry in entries if entry.disqualified_at is None]
    rows = [_row(rank, entry) for rank, entry in _ranked(standing)]
    if include_disqualified:
        rows += [_row(None, entry) for entry in entries if entry.disqualified_at is not None]
    return rows


def new_code() -> str:
    """A certificate's verification code."""
    return secrets.token_hex(CODE_BYTES).upper()


def publish_results(competition: Competition, by: User) -> list[Award]:
    """Publish the results once the competition has ended: awards and their study points.

    The top ``certificate_top_n`` places (everyone tied at the last place included) get a "top"
    award, every other ranked participant a "finisher" award. Publishing again changes nothing.
    """
    if is_published(competition):
        return awards_of_competition(competition)
    if utcnow() < competition.ends_at:
        raise ConflictError(
            _("Results can be published only after the competition has ended."),
            code="not_finished",
        )
    competition.results_published_at = utcnow()
    awards = []
    for rank, entry in _ranked(
        [entry for entry in _finished_entries(competition) if entry.disqualified_at is None]
    ):
        award = _issue(competition, entry, rank, competition.results_published_at)
        awards.append(award)
        _award_points(entry.user, competition, award.kind)
    db.session.flush()
    results_published.send(competition=competition, awards=awards)
    current_app.logger.info(
        "results of competition %s published by user %s: %s awards",
        competition.id,
        by.id,
        len(awards),
    )
    return awards


def withdraw_award(competition: Competition, entry: Entry, action_id: int, reason: str) -> None:
    """A participant disqualified after publication loses the award (its certificate stops
    working, the profile drops it) and the points it gave, as ledger entries of their own that
    point at the audited action. Other participants keep the awards already handed out."""
    award = award_of(competition, entry.user)
    if award is None:
        return
    text = _("Award withdrawn (%(title)s): %(reason)s", title=competition.title, reason=reason)
    for rule, held in _held_points(competition, entry).items():
        if held:
            points.record(
                entry.user, rule, -held, source_type=WITHDRAWN, source_id=action_id, reason=text
            )
    db.session.delete(award)
    db.session.flush()


def reissue_award(competition: Competition, entry: Entry, action_id: int) -> Award | None:
    """A participant reinstated after publication gets an award for their place now, and the
    points it gives."""
    if award_of(competition, entry.user) is not None or not entry.user.is_active:
        return None
    standing = [other for other in _finished_entries(competition) if other.disqualified_at is None]
    rank = next((rank for rank, other in _ranked(standing) if other.id == entry.id), None)
    if rank is None:
        return None
    award = _issue(competition, entry, rank, utcnow())
    text = _("Award issued again (%(title)s)", title=competition.title)
    held = _held_points(competition, entry)
    for rule in _point_rules(award.kind):
        due = effective(RULES[rule]).points - held.get(rule, 0)
        if due > 0:
            points.record(
                entry.user, rule, due, source_type=REISSUED, source_id=action_id, reason=text
            )
    db.session.flush()
    return award


def _held_points(competition: Competition, entry: Entry) -> dict[str, int]:
    """Per rule, the points the participant holds from this competition now."""
    actions = select(EntryAction.id).where(EntryAction.entry_id == entry.id)
    rows = db.session.execute(
        select(PointEntry.rule, func.sum(PointEntry.points))
        .where(
            PointEntry.user_id == entry.user_id,
            PointEntry.rule.in_(COMPETITION_RULES),
            or_(
                (PointEntry.source_type == "competition")
                & (PointEntry.source_id == competition.id),
                PointEntry.source_type.in_((WITHDRAWN, REISSUED))
                & PointEntry.source_id.in_(actions),
            ),
        )
        .group_by(PointEntry.rule)
    )
    return {rule: int(total or 0) for rule, total in rows}


def _issue(competition: Competition, entry: Entry, rank: int, issued_at: datetime) -> Award:
    """The award for ``rank``: a place in the top N, or finishing."""
    kind = TOP if rank <= competition.certificate_top_n else FINISHER
    award = Award(
        competition_id=competition.id,
        user_id=entry.user_id,
        rank=rank,
        kind=kind,
        code=new_code(),
        issued_at=issued_at,
    )
    db.session.add(award)
    return award


def _point_rules(kind: str) -> tuple[str, ...]:
    """Every award holder took part; the top places also placed."""
    return COMPETITION_RULES if kind == TOP else COMPETITION_RULES[:1]


def _award_points(user: User, competition: Competition, kind: str) -> None:
    reason = _("Competition: %(title)s", title=competition.title)
    for rule in _point_rules(kind):
        points.award(user, rule, source_type="competition", source_id=competition.id, reason=reason)


def awards_of_competition(competition: Competition) -> list[Award]:
    return list(
        db.session.scalars(
            select(Award)
            .options(joinedload(Award.user))
            .where(Award.competition_id == competition.id)
            .order_by(Award.rank, Award.id)
        )
    )


def award_of(competition: Competition, user: User) -> Award | None:
    return db.session.scalar(
        select(Award).where(Award.competition_id == competition.id, Award.user_id == user.id)
    )


def get_award(competition: Competition, award_id: int, viewer: User) -> Award:
    """The award for its certificate page: the member's own, or any one for staff."""
    award = db.session.get(Award, award_id)
    if (
        award is None
        or award.competition_id != competition.id
        or not (viewer.is_organizer or award.user_id == viewer.id)
    ):
        raise NotFoundError(_("This certificate does not exist."))
    return award


def member_awards(user: User) -> list[Award]:
    """The member's awards from published competitions, newest first (for the profile)."""
    return list(
        db.session.scalars(
            select(Award)
            .join(Competition, Competition.id == Award.competition_id)
            .options(joinedload(Award.competition))
            .where(Award.user_id == user.id, Competition.results_published_at.is_not(None))
            .order_by(Award.issued_at.desc(), Award.id.desc())
        )
    )


def metric_text(metric: str, value: float | None) -> str:
    """A unit board value as shown: a participation rate in per cent, scores as numbers."""
    if value is None:
        return "–"
    if metric == UnitMetric.PARTICIPATION.value:
        return f"{value * 100:.0f}%"
    return f"{value:.1f}" if metric == UnitMetric.AVERAGE.value else f"{value:g}"


def place_label(award: Award) -> str:
    if award.kind == SPECIAL:
        return award.title
    if award.kind == TOP:
        return _("Place %(rank)s", rank=award.rank)
    return pgettext("award", "Completed")


def certificate(competition: Competition, award: Award) -> Certificate:
    """What a certificate prints, with the issue date in the site's time zone."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return Certificate(
        award_id=award.id,
        name=award.user.display_name,
        competition_title=competition.title,
        kind=award.kind,
        rank=award.rank,
        place=place_label(award),
        issued_on=award.issued_at.astimezone(zone).date(),
        code=award.code,
    )


def certificates(competition: Competition) -> list[Certificate]:
    return [certificate(competition, award) for award in awards_of_competition(competition)]


def result_table(rows: Sequence[ResultRow]) -> tuple[list[str], list[list[object]]]:
    """Header and rows of the export (staff: disqualified entries included, with the reason)."""
    header = [
        _("Rank"),
        pgettext("person", "Name"),
        _("Unit"),
        _("Score"),
        _("Max score"),
        _("Time used (seconds)"),
        _("Submitted at"),
        _("Disqualified"),
        _("Reason"),
    ]
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    table = [
        [
            row.rank if row.rank is not None else "",
            row.name,
            row.unit_path,
            row.score,
            row.max_score,
            row.time_used_seconds,
            row.submitted_at.astimezone(zone),
            _("Yes") if row.disqualified else "",
            row.disqualified_reason,
        ]
        for row in rows
    ]
    return header, table

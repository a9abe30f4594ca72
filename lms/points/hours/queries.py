"""Reading the study-hour record: a member's year, the target that applies, who is behind.

The report is two statements whatever the number of members: the members in scope with their
year's sum, and the year's targets; each member's target is then resolved in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, func, or_, select

from lms.accounts.models import OrgUnit, User
from lms.core.errors import PermissionDeniedError
from lms.core.extensions import db
from lms.points.hours.models import StudyHourEntry, StudyHourTarget
from lms.points.services import today


def this_year() -> int:
    return today().year


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


@dataclass(frozen=True)
class Record:
    """A member's year: the target that applies (None: no target), the sum, the entries."""

    year: int
    target: int | None
    centihours: int
    items: list[StudyHourEntry]

    @property
    def percent(self) -> int:
        if not self.target:
            return 0
        return min(100, self.centihours * 100 // self.target)

    @property
    def reached(self) -> bool:
        return self.target is not None and self.centihours >= self.target

    @property
    def missing(self) -> int:
        return max(0, (self.target or 0) - self.centihours)


def entries(user: User, year: int) -> list[StudyHourEntry]:
    first, last = _year_range(year)
    return list(
        db.session.scalars(
            select(StudyHourEntry)
            .where(
                StudyHourEntry.user_id == user.id,
                StudyHourEntry.earned_on.between(first, last),
            )
            .order_by(StudyHourEntry.earned_on, StudyHourEntry.id)
        )
    )


def record(user: User, year: int) -> Record:
    items = entries(user, year)
    return Record(year, target_for(user, year), sum(e.centihours for e in items), items)


def progress(user: User, year: int) -> Record:
    """The year's sum and target without the entries (the home page's bar): one sum query."""
    first, last = _year_range(year)
    total = db.session.scalar(
        select(func.coalesce(func.sum(StudyHourEntry.centihours), 0)).where(
            StudyHourEntry.user_id == user.id, StudyHourEntry.earned_on.between(first, last)
        )
    )
    return Record(year, target_for(user, year), int(total or 0), [])


def years(user: User) -> list[int]:
    """The years with an entry, and this year, newest first."""
    first = db.session.scalar(
        select(func.min(StudyHourEntry.earned_on)).where(StudyHourEntry.user_id == user.id)
    )
    current = this_year()
    start = min(first.year, current) if first else current
    return list(range(current, start - 1, -1))


@dataclass(frozen=True)
class Target:
    id: int
    year: int
    unit: OrgUnit | None
    role: str | None
    centihours: int

    def fits(self, unit_path: str, role: str) -> bool:
        if self.role is not None and self.role != role:
            return False
        if self.unit is None:
            return True
        return unit_path == self.unit.path or unit_path.startswith(self.unit.path + "/")

    @property
    def specificity(self) -> tuple[int, int]:
        """The nearest unit wins; with the same unit, a target for the role wins."""
        return (self.unit.depth if self.unit is not None else -1, int(self.role is not None))


def targets(year: int) -> list[Target]:
    rows = db.session.execute(
        select(StudyHourTarget, OrgUnit)
        .outerjoin(OrgUnit, OrgUnit.id == StudyHourTarget.unit_id)
        .where(StudyHourTarget.year == year)
    ).all()
    found = [Target(t.id, t.year, unit, t.role, t.centihours) for t, unit in rows]
    return sorted(found, key=lambda t: (t.unit.path if t.unit else "", t.role or ""))


def resolve(choices: list[Target], unit_path: str, role: str) -> int | None:
    fitting = [t for t in choices if t.fits(unit_path, role)]
    return max(fitting, key=lambda t: t.specificity).centihours if fitting else None


def target_for(user: User, year: int) -> int | None:
    return resolve(targets(year), user.unit.path, user.role)


def report_scope(user: User) -> list[OrgUnit] | None:
    """None: every unit (organizers and admins, as for course reports). Else the units
    ``user`` leads; refused for everyone else."""
    if user.is_organizer:
        return None
    led = list(db.session.scalars(select(OrgUnit).where(OrgUnit.leader_id == user.id)))
    if not led:
        raise PermissionDeniedError(
            _("The study-hour report is for organizers, admins and unit leaders.")
        )
    return led


def within(units: list[OrgUnit] | None) -> ColumnElement[bool]:
    """Members of these units or the units below them; None: everyone."""
    if units is None:
        return OrgUnit.id.is_not(None)
    conditions = [
        or_(
            OrgUnit.id == unit.id,
            func.substr(OrgUnit.path, 1, len(unit.path) + 1) == unit.path + "/",
        )
        for unit in units
    ]
    return or_(*conditions) if conditions else false()


@dataclass(frozen=True)
class MemberRow:
    user_id: int
    username: str
    name: str
    unit: str
    centihours: int
    target: int | None

    @property
    def behind(self) -> bool:
        return self.target is not None and self.centihours < self.target

    @property
    def missing(self) -> int:
        return max(0, (self.target or 0) - self.centihours)


@dataclass
class UnitSummary:
    path: str
    members: int = 0
    with_target: int = 0
    behind: int = 0
    centihours: int = 0

    @property
    def average(self) -> int:
        return self.centihours // self.members if self.members else 0


@dataclass
class Report:
    year: int
    members: list[MemberRow]
    units: list[UnitSummary] = field(default_factory=list)

    @property
    def behind(self) -> list[MemberRow]:
        return [row for row in self.members if row.behind]


def report(year: int, scope: list[OrgUnit] | None, unit: OrgUnit | None = None) -> Report:
    """Every active member in ``scope`` (narrowed to ``unit`` and below) with the year's hours
    and target, by unit path then name; and a summary line per unit."""
    first, last = _year_range(year)
    sums = (
        select(
            StudyHourEntry.user_id.label("user_id"),
            func.sum(StudyHourEntry.centihours).label("centihours"),
        )
        .where(StudyHourEntry.earned_on.between(first, last))
        .group_by(StudyHourEntry.user_id)
        .subquery("sums")
    )
    query = (
        select(
            User.id, User.username, User.display_name, User.role, OrgUnit.path, sums.c.centihours
        )
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .outerjoin(sums, sums.c.user_id == User.id)
        .where(User.is_active.is_(True), within(scope))
        .order_by(OrgUnit.path, User.display_name, User.id)
    )
    if unit is not None:
        query = query.where(within([unit]))
    choices = targets(year)
    members = [
        MemberRow(
            row.id,
            row.username,
            row.display_name,
            row.path,
            int(row.centihours or 0),
            resolve(choices, row.path, row.role),
        )
        for row in db.session.execute(query)
    ]
    units: dict[str, UnitSummary] = {}
    for member in members:
        summary = units.setdefault(member.unit, UnitSummary(member.unit))
        summary.members += 1
        summary.centihours += member.centihours
        summary.with_target += member.target is not None
        summary.behind += member.behind
    return Report(year, members, list(units.values()))


def units_in(scope: list[OrgUnit] | None) -> list[OrgUnit]:
    """The units a viewer may narrow the report to, by path."""
    return list(db.session.scalars(select(OrgUnit).where(within(scope)).order_by(OrgUnit.path)))

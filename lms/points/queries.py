"""Reading the points ledger: a member's summary and history, and the points leaderboards.

Each board is a fixed number of SQL statements whatever the number of members or entries:
sums and ranks are computed by the database, never per row in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased

from lms.accounts.models import OrgUnit, User
from lms.core.extensions import db
from lms.points.models import PointAdjustment, PointEntry
from lms.points.services import today

PERIODS = ("week", "month", "all")
SCOPES = ("people", "units")
BOARD_SIZE = 50
# The unit board ranks branches: units one level below the root organisation.
UNIT_DEPTH = 1


def period_start(period: str, day: date | None = None) -> date | None:
    """The first day counted by ``period``: weeks start on Monday, in the site's time zone."""
    day = day or today()
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return None


@dataclass(frozen=True)
class Summary:
    total: int
    week: int
    month: int


def summary(user: User) -> Summary:
    """Total, this week's and this month's points in one statement."""
    week, month = period_start("week"), period_start("month")

    def since(start: date | None) -> Any:
        return func.coalesce(
            func.sum(case((PointEntry.awarded_on >= start, PointEntry.points), else_=0)), 0
        )

    row = db.session.execute(
        select(func.coalesce(func.sum(PointEntry.points), 0), since(week), since(month)).where(
            PointEntry.user_id == user.id
        )
    ).one()
    return Summary(total=int(row[0]), week=int(row[1]), month=int(row[2]))


def history(user: User, page: int, per_page: int) -> Any:
    """The member's entries, newest first, as a Flask-SQLAlchemy page."""
    query = (
        select(PointEntry)
        .where(PointEntry.user_id == user.id)
        .order_by(PointEntry.created_at.desc(), PointEntry.id.desc())
    )
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


@dataclass(frozen=True)
class BoardRow:
    rank: int
    id: int  # the user's or the unit's
    name: str
    unit: str  # the member's unit path, or the unit's own path
    points: float
    members: int | None = None  # units only
    total: int | None = None  # units only


@dataclass(frozen=True)
class Board:
    period: str
    scope: str
    entries: list[BoardRow]
    me: BoardRow | None


def _period_sums(start: date | None) -> Any:
    """Points per member in the period, as a subquery (user_id, points)."""
    query = select(
        PointEntry.user_id.label("user_id"), func.sum(PointEntry.points).label("points")
    ).group_by(PointEntry.user_id)
    if start is not None:
        query = query.where(PointEntry.awarded_on >= start)
    return query.subquery("sums")


def people_board(period: str, viewer: User | None, limit: int = BOARD_SIZE) -> Board:
    """Members by points in the period; an exact tie shares the rank (1, 2, 2, 4).

    Deactivated members are left out, and so are members without points in the period.
    """
    sums = _period_sums(period_start(period))
    ranked = (
        select(
            User.id.label("user_id"),
            User.display_name.label("name"),
            OrgUnit.path.label("unit"),
            sums.c.points.label("points"),
            func.rank().over(order_by=sums.c.points.desc()).label("rank"),
        )
        .join(User, User.id == sums.c.user_id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(User.is_active.is_(True), sums.c.points > 0)
        .subquery("ranked")
    )
    top: Select[Any] = (
        select(ranked).order_by(ranked.c.rank, ranked.c.name, ranked.c.user_id).limit(limit)
    )
    entries = [_person(row) for row in db.session.execute(top)]
    me = None
    if viewer is not None:
        mine = db.session.execute(select(ranked).where(ranked.c.user_id == viewer.id)).first()
        me = _person(mine) if mine is not None else None
    return Board(period=period, scope="people", entries=entries, me=me)


def _person(row: Any) -> BoardRow:
    return BoardRow(
        rank=row.rank, id=row.user_id, name=row.name, unit=row.unit, points=int(row.points)
    )


def _depth(path: Any) -> Any:
    return func.length(path) - func.length(func.replace(path, "/", ""))


def units_board(period: str, viewer: User | None, limit: int = BOARD_SIZE) -> Board:
    """Branches by average points per active member (all members count, earners or not),
    so a large branch does not win on headcount alone. Ties share the rank."""
    sums = _period_sums(period_start(period))
    branch = aliased(OrgUnit, name="branch")
    own = aliased(OrgUnit, name="own")
    within = or_(
        own.path == branch.path,
        func.substr(own.path, 1, func.length(branch.path) + 1) == branch.path + "/",
    )
    rows = db.session.execute(
        select(
            branch.id,
            branch.name,
            branch.path,
            func.count(User.id).label("members"),
            func.coalesce(func.sum(sums.c.points), 0).label("total"),
        )
        .join(own, within)
        .join(User, and_(User.unit_id == own.id, User.is_active.is_(True)))
        .outerjoin(sums, sums.c.user_id == User.id)
        .where(_depth(branch.path) == UNIT_DEPTH)
        .group_by(branch.id, branch.name, branch.path)
    ).all()
    averaged = sorted(
        ((round(int(row.total) / row.members, 1), row) for row in rows),
        key=lambda pair: (-pair[0], pair[1].name),
    )
    board: list[BoardRow] = []
    for position, (average, row) in enumerate(averaged, start=1):
        rank = board[-1].rank if board and board[-1].points == average else position
        board.append(
            BoardRow(
                rank=rank,
                id=row.id,
                name=row.name,
                unit=row.path,
                points=average,
                members=row.members,
                total=int(row.total),
            )
        )
    me = None
    if viewer is not None:
        path = viewer.unit.path
        me = next(
            (row for row in board if path == row.unit or path.startswith(row.unit + "/")), None
        )
    return Board(period=period, scope="units", entries=board[:limit], me=me)


def leaderboard(period: str, scope: str, viewer: User | None) -> Board:
    return (units_board if scope == "units" else people_board)(period, viewer)


def recent_adjustments(limit: int = 20) -> list[tuple[PointAdjustment, User, User | None]]:
    """The latest manual adjustments with their member and the admin who made them."""
    by = aliased(User, name="by_user")
    rows = db.session.execute(
        select(PointAdjustment, User, by)
        .join(User, User.id == PointAdjustment.user_id)
        .outerjoin(by, by.id == PointAdjustment.by_id)
        .order_by(PointAdjustment.created_at.desc(), PointAdjustment.id.desc())
        .limit(limit)
    ).all()
    return [(row[0], row[1], row[2]) for row in rows]


def find_members(text: str, limit: int = 20) -> list[User]:
    """Active users whose username or name contains ``text``."""
    text = text.strip()
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                or_(
                    User.username.ilike(pattern, escape="\\"),
                    User.display_name.ilike(pattern, escape="\\"),
                ),
            )
            .order_by(User.username)
            .limit(limit)
        )
    )

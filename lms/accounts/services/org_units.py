"""The organisation tree: organisation > branch > group, any depth.

Each unit stores its full ``path``; renaming or moving a unit rewrites the paths of its subtree
in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, func, literal, or_, select

from lms.accounts.models import OrgUnit, User
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import check_plain_text

MAX_NAME_LENGTH = 100


def clean_unit_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("The unit needs a name."), field="name")
    if "/" in name:
        raise ValidationError(_("A unit name cannot contain “/”."), field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _("A unit name has at most %(n)d characters.", n=MAX_NAME_LENGTH), field="name"
        )
    return check_plain_text(name, field="name")


def split_path(path: str) -> list[str]:
    parts = [part.strip() for part in (path or "").strip().strip("/").split("/")]
    if not parts or any(not part for part in parts):
        raise ValidationError(_("“%(path)s” is not a unit path like Org/Branch/Group.", path=path))
    return [clean_unit_name(part) for part in parts]


def all_units() -> list[OrgUnit]:
    """Every unit, in tree order (a parent before its children, siblings by name)."""
    return list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.path)))


def unit_by_path(path: str) -> OrgUnit | None:
    return db.session.scalar(select(OrgUnit).where(OrgUnit.path == "/".join(split_path(path))))


def units_by_paths(paths: list[str]) -> list[OrgUnit]:
    """The units named by ``paths``, in that order, in one query; refuses an unknown path."""
    wanted = ["/".join(split_path(path)) for path in paths]
    found = {
        unit.path: unit
        for unit in db.session.scalars(select(OrgUnit).where(OrgUnit.path.in_(wanted)))
    } if wanted else {}  # fmt: skip
    for path, normalised in zip(paths, wanted, strict=True):
        if normalised not in found:
            raise ValidationError(_("There is no unit “%(path)s”.", path=path), field="units")
    return [found[path] for path in wanted]


def get_unit(unit_id: int) -> OrgUnit:
    unit = db.session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFoundError(_("This unit does not exist."))
    return unit


def _child_path(parent: OrgUnit | None, name: str) -> str:
    return f"{parent.path}/{name}" if parent else name


def _ensure_free(path: str, *, except_id: int | None = None) -> None:
    clash = db.session.scalar(select(OrgUnit).where(OrgUnit.path == path))
    if clash is not None and clash.id != except_id:
        raise ConflictError(_("A unit named “%(path)s” already exists.", path=path), field="name")


def create_unit(name: str, parent: OrgUnit | None = None, leader: User | None = None) -> OrgUnit:
    name = clean_unit_name(name)
    path = _child_path(parent, name)
    _ensure_free(path)
    unit = OrgUnit(name=name, parent=parent, path=path, leader=leader)
    db.session.add(unit)
    db.session.flush()
    return unit


def ensure_unit_path(path: str) -> OrgUnit:
    """The unit at ``Org/Branch/Group``, creating any missing unit on the way."""
    parent: OrgUnit | None = None
    for name in split_path(path):
        existing = db.session.scalar(
            select(OrgUnit).where(OrgUnit.path == _child_path(parent, name))
        )
        parent = existing or create_unit(name, parent)
    assert parent is not None  # noqa: S101 - split_path never returns an empty list
    return parent


def default_unit() -> OrgUnit:
    """The first top-level unit, or a new one named "Default" in an empty tree."""
    first = db.session.scalar(
        select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.path).limit(1)
    )
    return first or create_unit("Default")


def _subtree(unit: OrgUnit) -> list[OrgUnit]:
    prefix = unit.path + "/"
    return list(
        db.session.scalars(
            select(OrgUnit).where(func.substr(OrgUnit.path, 1, len(prefix)) == prefix)
        )
    )


def _repath(unit: OrgUnit, new_path: str) -> None:
    old_prefix = unit.path + "/"
    descendants = _subtree(unit)
    unit.path = new_path
    for child in descendants:
        child.path = new_path + "/" + child.path[len(old_prefix) :]
    db.session.flush()


def update_unit(
    unit: OrgUnit, *, name: str, parent: OrgUnit | None, leader: User | None
) -> OrgUnit:
    """Rename, move and set the leader of a unit in one step."""
    name = clean_unit_name(name)
    if parent is not None and (parent.id == unit.id or parent.path.startswith(unit.path + "/")):
        raise ValidationError(
            _("A unit cannot be moved under itself or one of its own units."), field="parent"
        )
    new_path = _child_path(parent, name)
    _ensure_free(new_path, except_id=unit.id)
    unit.name = name
    unit.parent = parent
    unit.leader = leader
    if new_path != unit.path:
        _repath(unit, new_path)
    db.session.flush()
    return unit


def delete_unit(unit: OrgUnit) -> None:
    members = db.session.scalar(
        select(func.count()).select_from(User).where(User.unit_id == unit.id)
    )
    if members:
        raise ConflictError(
            _("“%(name)s” still has %(n)d members. Move them to another unit first.",
              name=unit.name, n=members)
        )  # fmt: skip
    children = db.session.scalar(
        select(func.count()).select_from(OrgUnit).where(OrgUnit.parent_id == unit.id)
    )
    if children:
        raise ConflictError(
            _("“%(name)s” still has %(n)d units below it. Move or delete them first.",
              name=unit.name, n=children)
        )  # fmt: skip
    db.session.delete(unit)
    db.session.flush()


def leads_a_unit(user: User) -> bool:
    return bool(db.session.scalar(select(OrgUnit.id).where(OrgUnit.leader_id == user.id).limit(1)))


def led_units(user: User) -> list[OrgUnit]:
    """The units ``user`` leads (each with every unit below it, see :func:`in_or_below`)."""
    return list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.leader_id == user.id).order_by(OrgUnit.path)
        )
    )


def in_or_below(units: list[OrgUnit]) -> ColumnElement[bool]:
    """SQL: the joined ``OrgUnit`` is one of ``units`` or below one of them (false when empty)."""
    conditions = []
    for unit in units:
        prefix = unit.path + "/"
        conditions.append(
            or_(OrgUnit.id == unit.id, func.substr(OrgUnit.path, 1, len(prefix)) == prefix)
        )
    return or_(*conditions) if conditions else false()


def at_or_above(unit_path: str) -> ColumnElement[bool]:
    """SQL: the joined ``OrgUnit`` is the unit at ``unit_path`` or one above it."""
    return or_(
        OrgUnit.path == unit_path,
        func.substr(literal(unit_path), 1, func.length(OrgUnit.path) + 1) == OrgUnit.path + "/",
    )


def is_in_or_below(unit: OrgUnit, units: list[OrgUnit]) -> bool:
    """Python: ``unit`` is one of ``units`` or below one of them."""
    return any(unit.path == up.path or unit.path.startswith(up.path + "/") for up in units)


def member_count(unit: OrgUnit) -> int:
    return (
        db.session.scalar(select(func.count()).select_from(User).where(User.unit_id == unit.id))
        or 0
    )


@dataclass(frozen=True)
class MemberCount:
    own: int  # users whose unit is this one
    total: int  # users of this unit and of every unit below it


def member_counts() -> dict[int, MemberCount]:
    """Per unit id: its own users and those of its whole subtree, in two queries."""
    rows = db.session.execute(select(User.unit_id, func.count()).group_by(User.unit_id))
    own: dict[int, int] = {unit_id: count for unit_id, count in rows}
    units = [
        (unit_id, path) for unit_id, path in db.session.execute(select(OrgUnit.id, OrgUnit.path))
    ]
    id_of_path = {path: unit_id for unit_id, path in units}
    totals: dict[int, int] = defaultdict(int)
    for unit_id, path in units:
        count = own.get(unit_id, 0)
        parts = path.split("/")
        for depth in range(1, len(parts) + 1):
            ancestor = id_of_path.get("/".join(parts[:depth]))
            if ancestor is not None:
                totals[ancestor] += count
    return {unit_id: MemberCount(own.get(unit_id, 0), totals[unit_id]) for unit_id, _p in units}

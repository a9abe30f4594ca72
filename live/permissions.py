"""Who may create, host, join and see the results of live sessions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from live.models import LiveSession
from lms.accounts.models import OrgUnit, Role, User
from lms.accounts.services import org_units
from lms.core.extensions import db
from quizzes.models import Quiz


def _signed_in(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(user.is_active)


def led_units(user: User | Any) -> list[OrgUnit]:
    """The units ``user`` leads (a leader hosts sessions for them)."""
    if not _signed_in(user):
        return []
    return list(db.session.scalars(select(OrgUnit).where(OrgUnit.leader_id == user.id)))


def can_create_sessions(user: User | Any) -> bool:
    """Organizers, admins, and the leaders of units."""
    if not _signed_in(user):
        return False
    return user.has_role(Role.ORGANIZER, Role.ADMIN) or bool(led_units(user))


def can_use_any_unit(user: User | Any) -> bool:
    """Organizers and admins host for everyone; a leader only for a unit they lead."""
    return _signed_in(user) and user.has_role(Role.ORGANIZER, Role.ADMIN)


def may_use_bank(user: User | Any) -> bool:
    """Bank questions by id: organizers and admins (leaders do not see the bank)."""
    return can_use_any_unit(user)


def may_use_quiz(user: User | Any, quiz: Quiz) -> bool:
    """Organizers and admins use any quiz; a unit's leader a published one."""
    return can_use_any_unit(user) or (quiz.is_published and bool(led_units(user)))


def can_host(user: User | Any, session: LiveSession) -> bool:
    """The session's host and admins run it (start questions, pause, end)."""
    if not _signed_in(user):
        return False
    return session.host_id == user.id or user.has_role(Role.ADMIN)


def in_unit(user: User | Any, unit: OrgUnit | None) -> bool:
    """Whether the user belongs to ``unit`` or a unit below it (no unit: everyone)."""
    if unit is None:
        return True
    own = getattr(user, "unit", None)
    return own is not None and org_units.is_in_or_below(own, [unit])


def can_join(user: User | Any, session: LiveSession) -> bool:
    """Active members; a unit's session takes the members of that unit and the units below."""
    return _signed_in(user) and in_unit(user, session.unit)


def can_see_results(user: User | Any, session: LiveSession) -> bool:
    """Results, the XLSX export and the report by unit: the host, organizers, admins, and the
    leader of the session's unit or a unit above it."""
    if not _signed_in(user):
        return False
    if can_host(user, session) or user.has_role(Role.ORGANIZER, Role.ADMIN):
        return True
    unit = session.unit
    return unit is not None and org_units.is_in_or_below(unit, led_units(user))

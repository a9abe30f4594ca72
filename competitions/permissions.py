"""Who may manage and see competitions."""

from __future__ import annotations

from typing import Any

from competitions.models import Competition
from lms.accounts.models import Role, User


def can_manage_competitions(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(
        Role.ORGANIZER, Role.ADMIN
    )


def can_manage_competition(user: User | Any, competition: Competition) -> bool:
    return can_manage_competitions(user)


def in_units(user: User | Any, competition: Competition) -> bool:
    """True when the competition is open to everyone, or to the member's unit or one above it."""
    if not competition.units:
        return True
    path = user.unit.path
    return any(path == unit.path or path.startswith(unit.path + "/") for unit in competition.units)


def can_see_competition(user: User | Any, competition: Competition) -> bool:
    """Its managers always; members only once it is published and when they are eligible."""
    if can_manage_competition(user, competition):
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return competition.is_published and in_units(user, competition)

"""Teams of a session: the org units at a chosen depth (a member plays for their unit's
ancestor at that depth), or teams the host names (players are spread over them evenly)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from live.models import LivePlayer, LiveSession, LiveTeam
from live.services import messages
from lms.accounts.models import OrgUnit, User
from lms.core.errors import ValidationError
from lms.core.extensions import db

MAX_TEAMS = 100
MAX_TEAM_NAME = 100


def check_settings(depth: int | None, names: tuple[str, ...]) -> None:
    if depth is None and not names:
        raise ValidationError(
            _("Teams are the units at a depth of the organisation, or name the teams."),
            field="team_depth",
        )
    if depth is not None and names:
        raise ValidationError(
            _("Choose units at a depth or named teams, not both."), field="team_depth"
        )
    if depth is not None and not 1 <= depth <= 10:
        raise ValidationError(_("The depth is from 1 to 10."), field="team_depth")
    cleaned = [" ".join(n.split()) for n in names]
    if names and not 2 <= len(cleaned) <= MAX_TEAMS:
        raise ValidationError(_("Name 2 to %(n)d teams.", n=MAX_TEAMS), field="teams")
    if any(not n or len(n) > MAX_TEAM_NAME for n in cleaned):
        raise ValidationError(
            _("A team name has 1 to %(n)d characters.", n=MAX_TEAM_NAME), field="teams"
        )
    if len({n.casefold() for n in cleaned}) != len(cleaned):
        raise ValidationError(_("Two teams have the same name."), field="teams")


def ancestor_path(path: str, depth: int) -> str | None:
    """The path of ``path``'s ancestor (or itself) at ``depth``; None when it sits higher."""
    parts = path.split("/")
    return "/".join(parts[:depth]) if len(parts) >= depth else None


def _units_at(session: LiveSession, depth: int) -> list[OrgUnit]:
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.path))
    root = session.unit
    return [
        unit
        for unit in units
        if unit.depth + 1 == depth
        and (root is None or unit.path == root.path or unit.path.startswith(root.path + "/"))
    ][:MAX_TEAMS]


def _name_for(unit: OrgUnit, taken: set[str]) -> str:
    return unit.name if unit.name not in taken else unit.path[-MAX_TEAM_NAME:]


def create_teams(session: LiveSession, depth: int | None, names: tuple[str, ...]) -> None:
    taken: set[str] = set()
    if depth is not None:
        for unit in _units_at(session, depth):
            name = _name_for(unit, taken)
            taken.add(name)
            session.teams.append(LiveTeam(name=name, unit_id=unit.id))
    for name in names:
        session.teams.append(LiveTeam(name=" ".join(name.split())))
    db.session.flush()


def _unit_team(session: LiveSession, user: User) -> int | None:
    path = ancestor_path(user.unit.path, session.team_depth or 0) if user.unit else None
    if path is None:
        return None
    unit = db.session.scalar(select(OrgUnit).where(OrgUnit.path == path))
    if unit is None:
        return None
    found = db.session.scalar(
        select(LiveTeam.id).where(LiveTeam.session_id == session.id, LiveTeam.unit_id == unit.id)
    )
    if found is not None:
        return found
    team = LiveTeam(session_id=session.id, name=unit.path[-MAX_TEAM_NAME:], unit_id=unit.id)
    try:  # a unit made after the session was created; a parallel join may add it first
        with db.session.begin_nested():
            db.session.add(team)
    except IntegrityError:
        return db.session.scalar(
            select(LiveTeam.id).where(
                LiveTeam.session_id == session.id, LiveTeam.unit_id == unit.id
            )
        )
    return team.id


def _smallest_team(session: LiveSession) -> int | None:
    sizes = dict(
        db.session.execute(
            select(LivePlayer.team_id, func.count())
            .where(LivePlayer.session_id == session.id)
            .group_by(LivePlayer.team_id)
        ).all()
    )
    team_ids = [team.id for team in session.teams]
    return min(team_ids, key=lambda tid: (sizes.get(tid, 0), tid)) if team_ids else None


def team_for(session: LiveSession, user: User | None) -> int | None:
    """The team a new player plays for: their unit's at the depth (guests: none), or the
    smallest of the host's teams."""
    if session.mode != "teams":
        return None
    if session.team_depth is not None:
        return _unit_team(session, user) if user is not None else None
    return _smallest_team(session)


def move_player(player: LivePlayer, team: LiveTeam | None) -> LivePlayer:
    """The host puts a player in another team of the same session."""
    if team is not None and team.session_id != player.session_id:
        raise ValidationError(_("This team is not in the session."), field="team_id")
    player.team_id = team.id if team is not None else None
    db.session.flush()
    session = db.session.get(LiveSession, player.session_id)
    if session is not None:
        messages.joined(session)  # the lobby lists on the big screen and the console show teams
    return player

"""Reading the body of ``POST /api/v1/live-sessions``: strict types (a 400 naming the field),
the questions' source, and the unit a leader's session is for."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from live.models import Format, Mode, Scoring
from live.permissions import can_use_any_unit, led_units, may_use_bank, may_use_quiz
from live.services.sessions import SessionSettings
from lms.accounts.models import OrgUnit, User
from lms.accounts.services.org_units import unit_by_path
from lms.core.api import BadRequestError, optional_flag
from lms.core.errors import PermissionDeniedError, ValidationError
from lms.core.extensions import db
from quizzes.models import Quiz

MAX_ID = 2**31 - 1


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def _choice(data: dict[str, Any], key: str, allowed: list[str], default: str) -> str:
    value = data.get(key, default)
    if value not in allowed:
        raise BadRequestError(
            _("“%(key)s” must be one of: %(values)s.", key=key, values=", ".join(allowed)),
            field=key,
        )
    return value


def optional_int(data: dict[str, Any], key: str, default: int | None) -> int | None:
    value = data.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_ID:
        raise BadRequestError(_("“%(key)s” must be a whole number.", key=key), field=key)
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise BadRequestError(_("“%(key)s” must be a string.", key=key), field=key)
    return value


def settings_from(data: dict[str, Any]) -> SessionSettings:
    teams = data.get("teams", [])
    if not isinstance(teams, list) or not all(isinstance(t, str) for t in teams):
        raise BadRequestError(_("“teams” must be a list of names."), field="teams")
    return SessionSettings(
        title=_text(data, "title"),
        mode=_choice(data, "mode", [m.value for m in Mode], Mode.INDIVIDUAL),
        scoring=_choice(data, "scoring", [s.value for s in Scoring], Scoring.ACCURACY),
        seconds_per_question=optional_int(data, "seconds_per_question", 20) or 0,
        guests=optional_flag(data, "guests", False),
        streak_bonus=optional_flag(data, "streak_bonus", False),
        team_depth=optional_int(data, "team_depth", None),
        team_names=tuple(teams),
        format=_choice(data, "format", [f.value for f in Format], Format.HOSTED),
    )


def source_from(data: dict[str, Any], user: User) -> tuple[Quiz | None, list[int] | None]:
    """The quiz (organizers: any; leaders: published ones) or bank question ids (organizers)."""
    quiz_id, question_ids = data.get("quiz_id"), data.get("question_ids")
    if (quiz_id is None) == (question_ids is None):
        raise BadRequestError(_("Give either “quiz_id” or “question_ids”."), field="quiz_id")
    if quiz_id is not None:
        quiz = db.session.get(Quiz, quiz_id) if _whole(quiz_id) else None
        if quiz is None or not may_use_quiz(user, quiz):
            raise ValidationError(_("There is no quiz %(id)s.", id=quiz_id), field="quiz_id")
        return quiz, None
    if not may_use_bank(user):
        raise PermissionDeniedError(
            _("Unit leaders host live sessions from published quizzes."), field="question_ids"
        )
    if (
        not isinstance(question_ids, list)
        or not question_ids
        or not all(_whole(i) for i in question_ids)
    ):
        raise BadRequestError(
            _("“question_ids” must be a list of question ids."), field="question_ids"
        )
    return None, question_ids


def unit_from(data: dict[str, Any], user: User) -> OrgUnit | None:
    """The session's unit: organizers may name any (or none); a leader's session is for a unit
    they lead (named, or their only one)."""
    path = data.get("unit")
    if path is not None and not isinstance(path, str):
        raise BadRequestError(_("“unit” must be a unit path."), field="unit")
    unit = unit_by_path(path) if path else None
    if path and unit is None:
        raise ValidationError(_("There is no unit “%(path)s”.", path=path), field="unit")
    if can_use_any_unit(user):
        return unit
    led = led_units(user)
    if unit is None and len(led) == 1:
        return led[0]
    if unit is None or not any(
        unit.path == own.path or unit.path.startswith(own.path + "/") for own in led
    ):
        raise ValidationError(_("Choose a unit you lead."), field="unit")
    return unit

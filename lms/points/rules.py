"""The rules that award points, with their default points and daily caps.

Admins may override both per rule (site settings ``points.<rule>.points`` and
``points.<rule>.daily_cap``); later features add their rules here.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from lms.core.settings import get_setting


@dataclass(frozen=True)
class PointRule:
    key: str
    label: object
    points: int
    daily_cap: int | None  # None: no cap


RULES: dict[str, PointRule] = {
    rule.key: rule
    for rule in (
        PointRule("lesson_completed", _l("Lesson completed"), points=2, daily_cap=20),
        PointRule("activity_attended", _l("Offline activity attended"), points=5, daily_cap=None),
        PointRule("daily_quiz_correct", _l("Daily quiz: correct answer"), points=1, daily_cap=5),
        PointRule("daily_login", _l("Daily login"), points=1, daily_cap=1),
        PointRule(
            "competition_participation", _l("Took part in a competition"), points=5, daily_cap=None
        ),
        PointRule(
            "competition_placement", _l("Placed in a competition"), points=10, daily_cap=None
        ),
        PointRule("live_session_played", _l("Took part in a live quiz"), points=3, daily_cap=None),
        PointRule("manual", _l("Adjusted by an administrator"), points=0, daily_cap=None),
    )
}


def effective(rule: PointRule) -> PointRule:
    """The rule with the admin's overrides applied."""
    points = get_setting(f"points.{rule.key}.points", rule.points)
    cap = get_setting(f"points.{rule.key}.daily_cap", rule.daily_cap)
    return PointRule(rule.key, rule.label, int(points), None if cap is None else int(cap))

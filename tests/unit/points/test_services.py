"""Awards: caps, idempotency, admin overrides, manual adjustments with their audit row."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lms.core.errors import ValidationError
from lms.core.settings import get_setting
from lms.points import services
from lms.points.models import PointAdjustment, PointEntry


def test_an_award_counts_once_per_source(db: Any, member: Any, clock: Any) -> None:
    first = services.award(
        member, "lesson_completed", source_type="course_item", source_id=7, reason="Intro"
    )
    again = services.award(
        member, "lesson_completed", source_type="course_item", source_id=7, reason="Intro"
    )
    assert first is not None and first.points == 2
    assert again is None
    assert services.total(member) == 2


def test_the_daily_cap_stops_points_but_records_the_entry(db: Any, member: Any, clock: Any) -> None:
    for source in range(7):  # daily_quiz_correct: 1 point, cap 5
        services.award(
            member, "daily_quiz_correct", source_type="attempt_item", source_id=source, reason="q"
        )
    entries = db.session.scalars(select(PointEntry).order_by(PointEntry.id)).all()
    assert [entry.points for entry in entries] == [1, 1, 1, 1, 1, 0, 0]
    clock.advance(days=1)
    services.award(
        member, "daily_quiz_correct", source_type="attempt_item", source_id=99, reason="q"
    )
    assert services.total(member) == 6


def test_daily_login_once_per_local_day(db: Any, member: Any, clock: Any) -> None:
    assert services.award_daily_login(member) is not None
    assert services.award_daily_login(member) is None
    clock.advance(hours=15)  # 08:00 UTC + 15 h = 07:00 next day in Asia/Shanghai
    entry = services.award_daily_login(member)
    assert entry is not None and entry.source_id == 20261125 and entry.reason == "2026-11-25"
    assert services.total(member) == 2


def test_admin_overrides_change_points_and_cap(db: Any, member: Any, clock: Any) -> None:
    services.set_rule_values("lesson_completed", 3, 4)
    awarded = [
        services.award(
            member, "lesson_completed", source_type="course_item", source_id=n, reason="x"
        )
        for n in range(3)
    ]
    assert [entry.points for entry in awarded if entry] == [3, 1, 0]
    services.set_rule_values("lesson_completed", 3, None)
    assert get_setting("points.lesson_completed.daily_cap", 20) is None


@pytest.mark.parametrize(("points", "cap"), [(-1, None), (1001, None), (5, 1001), (5, -2)])
def test_overrides_are_bounded(db: Any, points: int, cap: int | None) -> None:
    with pytest.raises(ValidationError):
        services.set_rule_values("lesson_completed", points, cap)


def test_the_manual_rule_cannot_be_overridden(db: Any) -> None:
    with pytest.raises(ValidationError):
        services.set_rule_values("manual", 5, None)


def test_an_adjustment_writes_its_audit_row_and_exact_points(
    db: Any, member: Any, admin: Any, clock: Any
) -> None:
    services.award(member, "lesson_completed", source_type="course_item", source_id=1, reason="x")
    adjustment = services.adjust(member, -7, "  Copied answers  ", by=admin)
    entry = db.session.scalar(select(PointEntry).where(PointEntry.rule == "manual"))
    assert adjustment.by_id == admin.id and adjustment.reason == "Copied answers"
    assert entry is not None
    assert (entry.points, entry.source_type, entry.source_id) == (-7, "adjustment", adjustment.id)
    assert services.total(member) == -5
    services.adjust(member, -7, "Same reason, another adjustment", by=admin)
    assert services.total(member) == -12


@pytest.mark.parametrize(
    ("points", "reason"), [(5, ""), (5, "   "), (0, "why"), (10_001, "why"), (5, "x" * 301)]
)
def test_an_adjustment_needs_a_reason_and_bounded_points(
    db: Any, member: Any, admin: Any, points: int, reason: str
) -> None:
    with pytest.raises(ValidationError):
        services.adjust(member, points, reason, by=admin)
    assert db.session.scalar(select(PointAdjustment)) is None

"""Freeze explanations fit any length, and countdowns count days, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.core.clock import utcnow
from tests.unit.competitions.helpers import running

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


@pytest.mark.parametrize(
    ("minutes", "chinese", "english"),
    [
        (1440, "结束前最后 1 天封榜", "In the last 1 day before the end"),
        (1500, "结束前最后 25 小时封榜", "In the last 25 hours before the end"),
        (90, "结束前最后 1 小时 30 分钟封榜", "In the last 1 h 30 min before the end"),
        (15, "结束前最后 15 分钟封榜", "In the last 15 minutes before the end"),
    ],
)
def test_the_freeze_rule_reads_right_for_any_length(
    client, db, member, login_as, clock, minutes, chinese, english
):
    competition = running(freeze_minutes=minutes, ends_at=utcnow() + timedelta(days=3))
    db.session.commit()
    login_as(member)
    url = f"/competitions/{competition.id}"
    assert chinese in client.get(url, headers=ZH).get_data(as_text=True)
    assert english in client.get(url, headers=EN).get_data(as_text=True)


def test_a_week_long_countdown_shows_days(client, db, member, login_as, clock):
    competition = running(ends_at=utcnow() + timedelta(days=7, hours=23, minutes=52, seconds=24))
    db.session.commit()
    login_as(member)
    page = client.get(f"/competitions/{competition.id}", headers=ZH).get_data(as_text=True)
    assert "7 天 23:52:24" in page
    assert "191:52:24" not in page
    english = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert "7 days 23:52:24" in english
    assert 'data-day-many="{n} days"' in english

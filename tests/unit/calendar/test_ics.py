"""The iCalendar file: what calendar apps rely on, and the rq cron schedule of reminders."""

from __future__ import annotations

import runpy
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
from rq import cron

from lms.calendar.events import Event
from lms.calendar.ics import calendar_bytes
from lms.reminders.cli import reminders_job

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[3]


def _calendar(*events: Event) -> bytes:
    return calendar_bytes(
        events, name="张三的学习日历", base_url="https://study.example/", zone="Asia/Shanghai",
        now=NOW,
    )  # fmt: skip


def test_a_feed_is_the_same_calendar_every_time_with_stable_event_ids():
    talk = Event("activity-7", "讲座; a, b", NOW, NOW + timedelta(hours=1), "/activities/7",
                 location="礼堂, 3 楼", alarm=timedelta(hours=1))  # fmt: skip
    first, second = _calendar(talk), _calendar(talk)
    assert first == second  # no random UID, nothing that changes between fetches
    calendar = icalendar.Calendar.from_ical(first)
    assert str(calendar["X-WR-CALNAME"]) == "张三的学习日历"
    assert calendar["REFRESH-INTERVAL"].dt == timedelta(hours=1)
    assert "X-PUBLISHED-TTL:PT1H" in first.decode()
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == "activity-7@study.example"
    assert str(event["SUMMARY"]) == "讲座; a, b"  # escaped in the file, whole when read
    assert str(event["LOCATION"]) == "礼堂, 3 楼"
    assert str(event["URL"]) == "https://study.example/activities/7"
    assert event["DTSTART"].dt == NOW
    assert event.walk("VALARM")[0]["TRIGGER"].dt == -timedelta(hours=1)


def test_a_deadline_is_a_moment_without_an_end():
    closes = Event("quiz-3-closes", "“Quiz” closes", NOW, None, "/quizzes/3")
    (event,) = icalendar.Calendar.from_ical(_calendar(closes)).walk("VEVENT")
    assert "DTEND" not in event
    assert not event.walk("VALARM")


def test_rq_cron_runs_the_reminders_every_five_minutes():
    cron._job_data_registry.clear()
    runpy.run_path(str(ROOT / "deploy" / "rq_cron.py"))
    (job,) = cron._job_data_registry
    assert job["func"] is reminders_job
    assert (job["queue_name"], job["interval"]) == ("notifications", 300)
    cron._job_data_registry.clear()

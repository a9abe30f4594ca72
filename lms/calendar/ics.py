"""Events as an iCalendar (RFC 5545) file that phones, Outlook and web calendars read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urljoin, urlsplit

import icalendar

from lms.calendar.events import Event

PRODID = "-//Study Platform//Calendar 1.0//EN"
REFRESH = timedelta(hours=1)  # how often subscribed calendars should fetch the feed again
MEDIA_TYPE = "text/calendar; charset=utf-8"


def _component(event: Event, *, base_url: str, host: str, now: datetime) -> icalendar.Event:
    url = urljoin(base_url, event.url)
    description = "\n".join(part for part in (event.description, url) if part)
    component = icalendar.Event.new(
        uid=f"{event.uid}@{host}",
        summary=event.title,
        start=event.starts_at,
        end=event.ends_at,
        stamp=now,
        last_modified=event.updated_at,
        location=event.location or None,
        description=description,
        url=url,
    )
    if event.alarm is not None:
        alarm = icalendar.Alarm.new(description=event.title)
        alarm.add("ACTION", "DISPLAY")
        alarm.add("TRIGGER", -event.alarm)
        component.add_component(alarm)
    return component


def calendar_bytes(
    events: Sequence[Event], *, name: str, base_url: str, zone: str, now: datetime
) -> bytes:
    """One calendar of ``events``; links are made absolute against ``base_url``."""
    host = urlsplit(base_url).hostname or "localhost"
    calendar = icalendar.Calendar.new(
        prodid=PRODID, method="PUBLISH", name=name, refresh_interval=REFRESH
    )
    del calendar["UID"]  # new() draws a random one; a feed is the same calendar every time
    calendar.add("X-WR-TIMEZONE", zone)
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    for event in events:
        calendar.add_component(_component(event, base_url=base_url, host=host, now=now))
    return calendar.to_ical()

"""The one clock of the platform. Tests replace it with :func:`set_clock`; the demo data plays
past events through the real services with :func:`standing_at`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lms.core.dates import representable

_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def utcnow() -> datetime:
    """The current time as an aware UTC datetime."""
    return _now()


def set_clock(now: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests); ``None`` restores the real one."""
    global _now  # noqa: PLW0603
    _now = now if now is not None else (lambda: datetime.now(UTC))


@contextmanager
def standing_at(moment: datetime) -> Iterator[None]:
    """The clock reads ``moment`` inside the block, the real time again after it."""
    set_clock(lambda: moment)
    try:
        yield
    finally:
        set_clock(None)


def from_local(naive: datetime, timezone: str) -> datetime:
    """A wall-clock time typed in ``timezone`` (a form's datetime-local) as aware UTC."""
    return representable(naive).replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def to_local(moment: datetime, timezone: str) -> datetime:
    """An aware time as a naive wall-clock time in ``timezone``, to fill a form."""
    return representable(moment).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)

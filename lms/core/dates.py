"""Dates people may enter, and dates every page can show.

Input: times of quizzes, competitions and activities lie between the years 2000 and 2100
(:func:`moment_problem`, :func:`check_moment`), checked by the services behind forms and API.
Output: a time stored before that rule (9999-12-31T23:00Z, say) is moved just inside what
Python's datetime can hold before it is converted to the site's time zone, so a page shows it
instead of failing with an overflow (:func:`representable`, :func:`install_date_filters`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import flask_babel
from flask import Flask
from flask_babel import gettext as _

from lms.core.errors import ValidationError

MIN_YEAR = 2000
MAX_YEAR = 2100
# Two days inside datetime's range: any time zone's offset keeps a converted time inside it.
_LOWEST = datetime.min.replace(tzinfo=UTC) + timedelta(days=2)
_HIGHEST = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)


def representable(moment: datetime) -> datetime:
    """``moment``, or the nearest time that converts to any time zone without overflowing."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    if aware.year > 1 and aware.year < 9999:
        return moment
    clamped = min(max(aware, _LOWEST), _HIGHEST)
    return clamped if moment.tzinfo is not None else clamped.replace(tzinfo=None)


def moment_problem(*moments: datetime | None) -> str | None:
    """Why one of ``moments`` is refused (outside the years 2000 to 2100), or None."""
    for moment in moments:
        if moment is not None and not MIN_YEAR <= moment.year <= MAX_YEAR:
            return _(
                "Dates must be between the years %(first)d and %(last)d.",
                first=MIN_YEAR,
                last=MAX_YEAR,
            )
    return None


def check_moment(moment: datetime | None, *, field: str) -> datetime | None:
    problem = moment_problem(moment)
    if problem is not None:
        raise ValidationError(problem, field=field)
    return moment


def _safe(formatter: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(formatter)
    def format_any(value: Any = None, *args: Any, **kwargs: Any) -> str:
        if isinstance(value, datetime):
            value = representable(value)
        return formatter(value, *args, **kwargs)

    return format_any


def install_date_filters(app: Flask) -> None:
    """Flask-Babel's date filters, made safe for any stored time (call after Babel's init)."""
    app.jinja_env.filters.update(
        datetimeformat=_safe(flask_babel.format_datetime),
        dateformat=_safe(flask_babel.format_date),
        timeformat=_safe(flask_babel.format_time),
    )

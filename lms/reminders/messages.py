"""The words of each reminder. Each function returns the ``message`` callable that
``notify()`` calls once per reader's language, so titles and times are in that language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _

from lms.template_globals import site_zone

Message = Callable[[], tuple[str, str]]


def _when(moment: datetime) -> str:
    return format_datetime(moment, "short")


def _by(due_at: datetime) -> str:
    return _("Complete it by %(when)s (%(zone)s).", when=_when(due_at), zone=site_zone())


def course_assigned(title: str, due_at: datetime | None) -> Message:
    def message() -> tuple[str, str]:
        body = _("You are enrolled in this required course.")
        return (
            _("New required course: “%(title)s”", title=title),
            f"{body} {_by(due_at)}" if due_at else body,
        )

    return message


def course_due(title: str, due_at: datetime) -> Message:
    return lambda: (_("Required course due soon: “%(title)s”", title=title), _by(due_at))


def activity_soon(title: str, starts_at: datetime, place: str) -> Message:
    return lambda: (
        _("“%(title)s” starts %(when)s", title=title, when=_when(starts_at)),
        _("Where: %(place)s. Times are in %(zone)s.", place=place, zone=site_zone()),
    )


def quiz_opening(title: str, opens_at: datetime, closes_at: datetime | None) -> Message:
    def message() -> tuple[str, str]:
        body = (
            _("It is open until %(when)s (%(zone)s).", when=_when(closes_at), zone=site_zone())
            if closes_at
            else _("Times are in %(zone)s.", zone=site_zone())
        )
        return _("“%(title)s” opens %(when)s", title=title, when=_when(opens_at)), body

    return message


def quiz_closing(title: str, closes_at: datetime) -> Message:
    return lambda: (
        _("“%(title)s” closes %(when)s", title=title, when=_when(closes_at)),
        _("You have not handed it in yet. Times are in %(zone)s.", zone=site_zone()),
    )


def competition_opening(title: str, starts_at: datetime, ends_at: datetime) -> Message:
    return lambda: (
        _("Competition “%(title)s” starts %(when)s", title=title, when=_when(starts_at)),
        _("It runs until %(when)s (%(zone)s).", when=_when(ends_at), zone=site_zone()),
    )


def competition_closing(title: str, ends_at: datetime) -> Message:
    return lambda: (
        _("Competition “%(title)s” ends %(when)s", title=title, when=_when(ends_at)),
        _("You have not finished it yet. Times are in %(zone)s.", zone=site_zone()),
    )

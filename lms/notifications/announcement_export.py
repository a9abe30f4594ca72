"""Who read an announcement, as a workbook: one sheet by unit, one of every reader."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext

from lms.core.clock import to_local
from lms.notifications import announcement_queries as queries
from lms.notifications.announcement_models import Announcement

Sheet = tuple[str, Sequence[str], list[list[Any]]]


def _local(moment: datetime | None, timezone: str) -> Any:
    return to_local(moment, timezone) if moment is not None else ""


def readers_workbook(announcement: Announcement, timezone: str) -> list[Sheet]:
    """``(title, header, rows)`` of the two sheets, times as wall-clock times in ``timezone``."""
    units = [
        [row.unit, row.tally.audience, row.tally.read, row.tally.acknowledged]
        for row in queries.by_unit(announcement)
    ]
    people = [
        [
            row.unit,
            row.name,
            row.username,
            _local(row.read_at, timezone),
            _local(row.acknowledged_at, timezone),
        ]
        for row in queries.readers(announcement)
    ]
    return [
        (_("By unit"), [_("Unit"), _("Readers"), _("Read"), _("Acknowledged")], units),
        (
            _("Readers"),
            [
                _("Unit"),
                pgettext("person", "Name"),
                _("Username"),
                _("Read at"),
                _("Acknowledged at"),
            ],
            people,
        ),
    ]

"""A member's study-hour transcript for one year, as PDF (A4 portrait, embedded CJK font) and
as an XLSX workbook. Both list the same rows: date, title, hours, source."""

from __future__ import annotations

from typing import Any

from flask_babel import format_date, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from fpdf.fonts import FontFace

from lms.accounts.models import User
from lms.accounts.services.certificate_settings import current as certificate_settings
from lms.core.pdf import FONT, INK, MUTED, new_document
from lms.core.spreadsheets import workbook_bytes
from lms.points.hours.queries import Record
from lms.points.hours.services import hours_text
from lms.points.services import today

SOURCE_LABELS = {
    "lesson": _l("Lesson"),
    "activity": _l("Offline activity"),
    "course": _l("Course"),
}


def source_label(source: str) -> str:
    return str(SOURCE_LABELS.get(source, source))


def header() -> list[str]:
    return [_("Date"), _("Title"), _("Study hours"), _("Source of the hours")]


def rows(record: Record) -> list[list[Any]]:
    return [
        [entry.earned_on, entry.title, entry.centihours / 100, source_label(entry.source_type)]
        for entry in record.items
    ]


def _summary(user: User, record: Record) -> list[tuple[str, str]]:
    target = hours_text(record.target) if record.target is not None else _("none")
    return [
        (pgettext("person", "Name"), user.display_name),
        (_("Username"), user.username),
        (_("Unit"), user.unit.path),
        (_("Year"), str(record.year)),
        (_("Target"), target),
        (_("Study hours"), hours_text(record.centihours)),
    ]


def transcript_xlsx(user: User, record: Record) -> bytes:
    summary = [[label, value] for label, value in _summary(user, record)]
    return workbook_bytes(
        [
            (_("Study hours %(year)d", year=record.year), header(), rows(record)),
            (_("Summary"), [_("Item"), _("Value")], summary),
        ]
    )


def transcript_pdf(user: User, record: Record) -> bytes:
    title = _("Study-hour transcript %(year)d", year=record.year)
    issuer = certificate_settings().issuer
    summary = _summary(user, record)
    texts = [title, issuer, *(f"{a}{b}" for a, b in summary), *(e.title for e in record.items)]
    pdf = new_document(texts, orientation="portrait")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_title(title)
    pdf.add_page()
    pdf.set_margins(18, 18, 18)
    pdf.set_y(18)
    pdf.set_font(FONT, size=20)
    pdf.set_text_color(*INK)
    pdf.cell(w=0, h=12, text=title, align="C", new_x="LMARGIN", new_y="NEXT")
    if issuer:
        pdf.set_font(FONT, size=11)
        pdf.set_text_color(*MUTED)
        pdf.cell(w=0, h=7, text=issuer, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=11)
    for label, value in summary:
        pdf.cell(w=32, h=7, text=label)
        pdf.multi_cell(w=0, h=7, text=value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    bold = FontFace(emphasis="", fill_color=(238, 238, 238))
    with pdf.table(
        col_widths=(28, 100, 22, 30),
        text_align=("LEFT", "LEFT", "RIGHT", "LEFT"),
        headings_style=bold,
        line_height=7,
    ) as table:
        table.row(header())
        for entry in record.items:
            table.row(
                [
                    entry.earned_on.isoformat(),
                    entry.title,
                    hours_text(entry.centihours),
                    source_label(entry.source_type),
                ]
            )
        table.row(["", _("Total"), hours_text(record.centihours), ""])
    pdf.ln(6)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.cell(w=0, h=6, text=_("Issued on %(date)s", date=format_date(today(), "long")))
    return bytes(pdf.output())

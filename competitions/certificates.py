"""Certificates as PDF: A4 landscape, one page each, Chinese text in the font the repo ships.

The font (a GB 2312 subset of Noto Sans CJK SC, SIL OFL, see static/fonts/) is embedded, so a
certificate reads the same on a machine without any CJK font installed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF

from competitions.services.results import Certificate

FONT_FILE = "fonts/NotoSansSC-Regular-GB2312.ttf"
FONT = "CertificateCJK"
GOLD = (176, 132, 40)
INK = (33, 37, 41)
MUTED = (108, 117, 125)


def _font_path() -> Path:
    return Path(current_app.static_folder or "static") / FONT_FILE


def _new_document() -> FPDF:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_creator("Study Platform")
    pdf.add_font(FONT, fname=str(_font_path()))
    return pdf


def _centred(
    pdf: FPDF, text: str, *, size: float, colour: tuple[int, int, int], gap: float
) -> None:
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*colour)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(w=0, h=size * 0.5, text=text, align="C")
    pdf.ln(gap)


def _page(pdf: FPDF, certificate: Certificate) -> None:
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, width - 28, height - 28)
    pdf.set_margins(30, 30, 30)
    pdf.set_y(34)
    _centred(pdf, _("Certificate"), size=40, colour=GOLD, gap=10)
    _centred(pdf, _("This certifies that"), size=16, colour=MUTED, gap=4)
    _centred(pdf, certificate.name, size=34, colour=INK, gap=6)
    _centred(pdf, _("took part in"), size=16, colour=MUTED, gap=4)
    _centred(pdf, certificate.competition_title, size=24, colour=INK, gap=8)
    _centred(pdf, certificate.place, size=30, colour=GOLD, gap=0)
    pdf.set_font(FONT, size=12)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(30, height - 36)
    pdf.cell(w=(width - 60) / 2, h=8, text=format_date(certificate.issued_on, "long"), align="L")
    pdf.cell(
        w=(width - 60) / 2,
        h=8,
        text=_("Certificate code: %(code)s", code=certificate.code),
        align="R",
    )


def certificates_pdf(certificates: Sequence[Certificate], *, title: str) -> bytes:
    """One PDF with a page per certificate."""
    pdf = _new_document()
    pdf.set_title(title)
    for certificate in certificates:
        _page(pdf, certificate)
    if not certificates:
        pdf.add_page()
    return bytes(pdf.output())

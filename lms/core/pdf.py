"""PDF documents with Chinese text in fonts embedded in the file: certificates and transcripts.

The primary font ships with the repo (Noto Sans CJK SC, SIL OFL, every CJK Unified Ideograph and
Extension A, see static/fonts/), so a document reads the same on a machine without any CJK font.
Names may hold rarer characters (CJK Extension B and later): for those, the fonts listed in
``CERTIFICATE_FALLBACK_FONTS`` (by default Debian's ``fonts-hanazono``) are embedded as fallbacks,
and only when a document needs them. A character no font covers is logged, never dropped
silently.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from fontTools.ttLib import TTFont
from fpdf import FPDF

FONT_FILE = "fonts/NotoSansSC-Regular-Han.ttf"
FONT = "CertificateCJK"
GOLD = (176, 132, 40)
INK = (33, 37, 41)
MUTED = (108, 117, 125)


def _font_path() -> Path:
    return Path(current_app.static_folder or "static") / FONT_FILE


@functools.cache
def _coverage(path: str) -> frozenset[int]:
    """The code points a font file draws (a fact of the file, so one read per process)."""
    font = TTFont(path, lazy=True, fontNumber=0)
    try:
        return frozenset(font.getBestCmap() or {})
    finally:
        font.close()


def _fallbacks_for(texts: Iterable[str]) -> tuple[list[str], set[str]]:
    """Fallback font files needed for ``texts``, and the characters that no font draws."""
    missing = {char for text in texts for char in text if not char.isspace()}
    missing -= {chr(point) for point in _coverage(str(_font_path())) if chr(point) in missing}
    chosen = []
    for path in current_app.config.get("CERTIFICATE_FALLBACK_FONTS") or ():
        if not missing:
            break
        if not Path(path).is_file():
            continue
        covered = {char for char in missing if ord(char) in _coverage(path)}
        if covered:
            chosen.append(path)
            missing -= covered
    return chosen, missing


def uncovered_characters(texts: Iterable[str]) -> set[str]:
    """Characters of ``texts`` that neither the shipped font nor a fallback can print."""
    return _fallbacks_for(texts)[1]


def new_document(texts: Sequence[str], *, orientation: str = "landscape") -> FPDF:
    """An A4 document with the CJK font, and the fallbacks ``texts`` need, embedded."""
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_creator("Study Platform")
    pdf.add_font(FONT, fname=str(_font_path()))
    fallbacks, missing = _fallbacks_for(texts)
    names = []
    for index, path in enumerate(fallbacks):
        names.append(f"{FONT}Fallback{index}")
        pdf.add_font(names[-1], fname=path)
    if names:
        pdf.set_fallback_fonts(names)
    if missing:
        current_app.logger.warning(
            "Certificate characters without a font: %s (install fonts-hanazono or set "
            "LMS_CERTIFICATE_FALLBACK_FONTS)",
            " ".join(f"U+{ord(char):04X}" for char in sorted(missing)),
        )
    return pdf


@dataclass(frozen=True)
class Line:
    """One centred line of a certificate."""

    text: str
    size: float
    colour: tuple[int, int, int] = INK
    gap: float = 4


def _centred(pdf: FPDF, line: Line) -> None:
    pdf.set_font(FONT, size=line.size)
    pdf.set_text_color(*line.colour)
    pdf.set_x(pdf.l_margin)
    pdf.multi_cell(w=0, h=line.size * 0.5, text=line.text, align="C")
    pdf.ln(line.gap)


@dataclass(frozen=True)
class Issue:
    """What every certificate prints besides its lines: who issued it, when, and its code."""

    issuer: str
    issued_on: date
    code: str
    seal_space: bool = True


def _issuer_block(pdf: FPDF, issue: Issue) -> None:
    """Bottom right: the issuer and the date, where the seal is stamped; the code bottom left."""
    width, height = pdf.w, pdf.h
    column = 90.0
    left = width - 30 - column
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=15)
    if issue.issuer:
        pdf.set_xy(left, height - 50)
        pdf.cell(w=column, h=8, text=issue.issuer, align="C")
    pdf.set_font(FONT, size=13)
    pdf.set_xy(left, height - 41)
    pdf.cell(w=column, h=8, text=format_date(issue.issued_on, "long"), align="C")
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(30, height - 32)
    pdf.cell(w=column, h=6, text=_("Certificate code: %(code)s", code=issue.code))


def certificate_page(pdf: FPDF, lines: Sequence[Line], issue: Issue) -> None:
    """A landscape page with a double gold frame, the centred ``lines`` under the title
    "Certificate", and the issuer block."""
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(*GOLD)
    pdf.set_line_width(1.6)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, width - 28, height - 28)
    pdf.set_margins(30, 30, 30)
    pdf.set_y(30 if issue.seal_space else 34)
    _centred(pdf, Line(_("Certificate"), size=40, colour=GOLD, gap=8))
    for line in lines:
        _centred(pdf, line)
    _issuer_block(pdf, issue)

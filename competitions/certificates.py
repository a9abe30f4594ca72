"""Competition certificates as PDF: A4 landscape, one page each (the layout and the embedded
Chinese fonts are ``lms.core.pdf``'s)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from competitions.services.results import Certificate
from lms.accounts.services.certificate_settings import CertificateSettings
from lms.core.pdf import GOLD, MUTED, Issue, Line, certificate_page, new_document

SEAL_ROOM_MM = 44  # a round seal of 42 mm, stamped over the issuer's name and the date


def _lines(certificate: Certificate) -> list[Line]:
    return [
        Line(_("This certifies that"), size=16, colour=MUTED),
        Line(certificate.name, size=34, gap=6),
        Line(_("took part in"), size=16, colour=MUTED),
        Line(certificate.competition_title, size=24, gap=6),
        Line(certificate.place, size=30, colour=GOLD, gap=0),
    ]


def certificates_pdf(
    certificates: Sequence[Certificate], *, title: str, settings: CertificateSettings
) -> bytes:
    """One PDF with a page per certificate."""
    texts = [title, settings.issuer]
    for certificate in certificates:
        texts += [certificate.name, certificate.competition_title, certificate.place]
    pdf = new_document(texts)
    pdf.set_title(title)
    for certificate in certificates:
        issue = Issue(settings.issuer, certificate.issued_on, certificate.code, settings.seal_space)
        certificate_page(pdf, _lines(certificate), issue)
    if not certificates:
        pdf.add_page()
    return bytes(pdf.output())

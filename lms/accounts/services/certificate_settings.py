"""What every certificate prints besides its lines: the issuing organisation and room for a seal.

Kept as site settings (admins change them at run time); read fresh for each certificate.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import OrgUnit
from lms.core.errors import ValidationError
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting

ISSUER_KEY = "certificates.issuer"
SEAL_KEY = "certificates.seal_space"
ISSUER_MAX_LENGTH = 120


@dataclass(frozen=True)
class CertificateSettings:
    issuer: str
    seal_space: bool


def current() -> CertificateSettings:
    """The saved settings; the issuer defaults to the name of the top of the organisation."""
    issuer = get_setting(ISSUER_KEY)
    if issuer is None:
        top = select(OrgUnit.name).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.path)
        issuer = db.session.scalar(top.limit(1)) or ""
    return CertificateSettings(issuer=issuer, seal_space=bool(get_setting(SEAL_KEY, True)))


def save(*, issuer: str, seal_space: bool) -> CertificateSettings:
    issuer = issuer.strip()
    if len(issuer) > ISSUER_MAX_LENGTH:
        raise ValidationError(
            _("At most %(num)d characters.", num=ISSUER_MAX_LENGTH), field="issuer"
        )
    set_setting(ISSUER_KEY, issuer)
    set_setting(SEAL_KEY, seal_space)
    return CertificateSettings(issuer=issuer, seal_space=seal_space)

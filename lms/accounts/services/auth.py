"""Logging in, changing passwords and self-registration."""

from __future__ import annotations

from flask_babel import gettext as _

from lms.accounts.models import OrgUnit, Role, User
from lms.accounts.services.passwords import check_password_policy, hash_password, verify_password
from lms.accounts.services.sessions import end_browser_sessions, end_everything
from lms.accounts.services.users import create_user, user_by_username
from lms.core.clock import utcnow
from lms.core.errors import PermissionDeniedError, ValidationError
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting

SELF_REGISTRATION_KEY = "accounts.self_registration"
REGISTRATION_UNIT_KEY = "accounts.registration_unit_id"


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Same work whether or not they exist."""
    user = user_by_username(username)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user or not user.is_active:
        return None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password; every session, remember-me cookie and API token of the user ends.

    The view logs the current browser back in with the new session version.
    """
    if not verify_password(user.password_hash, current):
        raise ValidationError(_("The current password is not correct."), field="current_password")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    check_password_policy(new, username=user.username)
    user.password_hash = hash_password(new)
    end_everything(user)


def log_out(user: User) -> None:
    """Logging out ends every copy of the user's browser sessions, on every device."""
    end_browser_sessions(user)


def self_registration_enabled() -> bool:
    return bool(get_setting(SELF_REGISTRATION_KEY, False))


def registration_unit() -> OrgUnit | None:
    unit_id = get_setting(REGISTRATION_UNIT_KEY)
    return db.session.get(OrgUnit, unit_id) if unit_id else None


def configure_registration(*, enabled: bool, unit: OrgUnit | None) -> None:
    if enabled and unit is None:
        raise ValidationError(
            _("Choose the unit new self-registered members join."), field="unit_id"
        )
    set_setting(SELF_REGISTRATION_KEY, enabled)
    set_setting(REGISTRATION_UNIT_KEY, unit.id if unit else None)


def register(*, username: str, display_name: str, password: str, language: str | None) -> User:
    if not self_registration_enabled():
        raise PermissionDeniedError(_("Self-registration is switched off."))
    unit = registration_unit()
    if unit is None:
        raise PermissionDeniedError(_("Self-registration is switched off."))
    return create_user(
        username=username,
        password=password,
        display_name=display_name,
        unit=unit,
        role=Role.MEMBER.value,
        language=language,
    )

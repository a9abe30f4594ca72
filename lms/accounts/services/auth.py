"""Logging in, changing passwords and self-registration."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from lms.accounts.models import AuthSource, OrgUnit, Role, User
from lms.accounts.services import ldap_login
from lms.accounts.services.directory_users import DirectoryError
from lms.accounts.services.login_methods import ldap_settings, login_methods
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
    """The active user with these credentials, or None.

    A local account checks its password here (the same work whether or not it exists) and is
    let in without asking the directory, so a wrong LDAP setting cannot block it (only a
    member's wrong password is tried on the directory, when local accounts may move there);
    administrators may always use their local password, even when the site offers only
    directory logins. Other names are asked of the LDAP directory when the site offers it:
    that may create or update the account, or deactivate it (the caller commits either), and
    raises a DomainError when the directory cannot be asked or the person may not sign in.
    """
    user = user_by_username(username)
    if user is None or user.auth_source == AuthSource.LOCAL.value:
        accepted = verify_password(user.password_hash if user else None, password)
        if user is not None and (accepted or not _may_move_to_ldap(user)):
            allowed = login_methods().local or user.is_admin
            return _logged_in(user) if accepted and allowed and user.is_active else None
    if user is None or user.auth_source != AuthSource.OIDC.value:
        return _directory_login(username, password)
    return None


def _may_move_to_ldap(user: User) -> bool:
    """A member's local account moves to the directory when its password is the directory's."""
    return not user.is_admin and login_methods().ldap and ldap_settings().adopt_local


def _logged_in(user: User) -> User:
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def _directory_login(username: str, password: str) -> User | None:
    if not login_methods().ldap:
        return None
    try:
        user = ldap_login.authenticate(ldap_settings(), username, password)
    except DirectoryError as error:
        current_app.logger.warning("LDAP sign-in of %r failed: %s", username, error.message)
        raise DirectoryError(
            _(
                "The organisation's directory cannot be reached now. Try again later, "
                "or ask an administrator."
            )
        ) from error
    return user if user is not None and user.is_active else None


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password; every session, remember-me cookie and API token of the user ends.

    The view logs the current browser back in with the new session version. A directory
    account's password is the directory's: it is changed there.
    """
    if user.auth_source != AuthSource.LOCAL.value:
        raise ValidationError(
            _("Your password is kept by your organisation's directory: change it there."),
            field="current_password",
        )
    if not verify_password(user.password_hash, current):
        raise ValidationError(_("The current password is not correct."), field="current_password")
    set_password(user, new)


def set_password(user: User, new: str) -> None:
    """A new local password (a reset link); a directory account becomes a local one again."""
    check_password_policy(new, username=user.username)
    user.password_hash = hash_password(new)
    user.auth_source, user.external_id = AuthSource.LOCAL.value, None
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

"""Accounts that the organisation's directory (LDAP, OpenID Connect) vouches for.

Each sign-in creates the account or brings it up to date: display name, role and unit as the
directory's mapping says (a role or unit left unmapped keeps what the account has). A directory
account has no usable password here. Saying "this person is gone or disabled" deactivates it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import AuthSource, OrgUnit, Role, User
from lms.accounts.services import org_units
from lms.accounts.services.passwords import hash_password
from lms.accounts.services.users import (
    check_display_name,
    check_username,
    set_active,
    update_user,
    user_by_username,
)
from lms.accounts.signals import directory_email, unit_assigned
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, DomainError, PermissionDeniedError
from lms.core.extensions import db


class DirectoryError(DomainError):
    """The directory could not be asked (unreachable, refused the service bind, bad settings)."""

    code = "directory_unavailable"
    status = 503


@dataclass(frozen=True)
class DirectoryPerson:
    """What the directory says about one person after a successful sign-in."""

    source: AuthSource
    external_id: str
    username: str
    display_name: str
    role: str | None  # None: not mapped (new accounts are members, others keep theirs)
    unit_path: str | None  # None: not mapped (the default unit, or the account's own)
    default_unit: str = ""
    adopt_local: bool = False
    email: str = ""  # the directory's address for the person ("": none given)


def linked_user(source: AuthSource, external_id: str) -> User | None:
    return db.session.scalar(
        select(User).where(User.auth_source == source.value, User.external_id == external_id)
    )


def linked_by_username(source: AuthSource, username: str) -> User | None:
    user = user_by_username(username)
    return user if user is not None and user.auth_source == source.value else None


def _unit(person: DirectoryPerson, current: OrgUnit | None) -> OrgUnit:
    if person.unit_path:
        return org_units.ensure_unit_path(person.unit_path)
    if current is not None:
        return current
    if person.default_unit:
        return org_units.ensure_unit_path(person.default_unit)
    return org_units.default_unit()


def _claim(person: DirectoryPerson) -> User | None:
    """The account this person signs in to: linked before, or a local one they may adopt."""
    user = linked_user(person.source, person.external_id)
    if user is not None:
        return user
    same_name = user_by_username(person.username)
    if same_name is None:
        return None
    if same_name.auth_source == AuthSource.LDAP.value == person.source.value:
        return same_name  # moved to another OU: a new DN, the same login name
    may_adopt = (
        person.adopt_local
        and same_name.auth_source == AuthSource.LOCAL.value
        and not same_name.is_admin  # administrators keep their local password
    )
    if not may_adopt:
        raise ConflictError(
            _(
                "The username “%(username)s” belongs to another account here. "
                "Ask an administrator to link or rename it.",
                username=same_name.username,
            ),
            field="username",
        )
    same_name.password_hash = hash_password(secrets.token_urlsafe(32))
    return same_name


def sign_in(person: DirectoryPerson, *, login: bool = True) -> User:
    """The active account for this person, created or updated; refused if deactivated here.

    ``login=False`` only brings the account up to date (a directory sync).
    """
    user = _claim(person)
    if user is None:
        user = User(
            username=check_username(person.username),
            display_name=check_display_name(person.display_name or person.username),
            password_hash=hash_password(secrets.token_urlsafe(32)),
            role=person.role or Role.MEMBER.value,
            unit=_unit(person, None),
            auth_source=person.source.value,
            external_id=person.external_id,
        )
        db.session.add(user)
        db.session.flush()
        unit_assigned.send(users=[user])
    else:
        if not user.is_active:
            raise PermissionDeniedError(_("This account was deactivated here."))
        user.auth_source = person.source.value
        user.external_id = person.external_id
        update_user(
            user,
            display_name=person.display_name or user.display_name,
            role=person.role or user.role,
            unit=_unit(person, user.unit),
            language=user.language,
        )
    if login:
        user.last_login_at = utcnow()
    db.session.flush()
    if person.email:
        directory_email.send(user=user, email=person.email)
    return user


def deactivate(user: User) -> None:
    """The directory no longer vouches for this person: end their sessions and tokens."""
    if user.is_active:
        set_active(user, False)


def directory_users(source: AuthSource) -> list[User]:
    return list(
        db.session.scalars(
            select(User).where(User.auth_source == source.value).order_by(User.username)
        )
    )

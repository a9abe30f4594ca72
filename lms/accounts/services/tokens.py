"""Secrets handed out to users: API bearer tokens and one-time password-reset links.

Only a SHA-256 of each secret is stored, so a copy of the database reveals none of them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from lms.accounts.models import ApiToken, PasswordResetLink, User
from lms.accounts.services import token_cache
from lms.accounts.services.auth import set_password
from lms.core.clock import utcnow
from lms.core.errors import ValidationError
from lms.core.extensions import db


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedSecret:
    secret: str
    expires_at: datetime


def issue_api_token(user: User) -> IssuedSecret:
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(hours=int(current_app.config["API_TOKEN_TTL_HOURS"]))
    db.session.add(
        ApiToken(user=user, token_hash=_digest(secret), created_at=now, expires_at=expires_at)
    )
    db.session.flush()
    return IssuedSecret(secret, expires_at)


def user_for_api_token(secret: str) -> User | None:
    digest = _digest(secret)
    remembered = token_cache.recall(digest)
    if remembered is not None:
        return remembered
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest))
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.is_active:
        return None
    token_cache.remember(digest, token.expires_at, token.user)
    return token.user


def revoke_api_token(secret: str) -> bool:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    return _revoke(token)


def active_api_tokens(user: User) -> list[ApiToken]:
    """The user's tokens that still sign an app in, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_(None),
                ApiToken.expires_at > utcnow(),
            )
            .order_by(ApiToken.id.desc())
        )
    )


def revoke_api_token_of(user: User, token_id: int) -> bool:
    """Sign out the app holding the user's token ``token_id`` (another user's: nothing)."""
    token = db.session.get(ApiToken, token_id)
    return _revoke(token if token is not None and token.user_id == user.id else None)


def _revoke(token: ApiToken | None) -> bool:
    if token is None or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.flush()
    return True


def issue_reset_link(user: User, *, created_by: User) -> IssuedSecret:
    """A new one-time reset secret; earlier unused links of the user stop working."""
    now = utcnow()
    db.session.execute(
        update(PasswordResetLink)
        .where(PasswordResetLink.user_id == user.id, PasswordResetLink.used_at.is_(None))
        .values(used_at=now)
    )
    secret = secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=int(current_app.config["PASSWORD_RESET_TTL_HOURS"]))
    db.session.add(
        PasswordResetLink(
            user=user,
            created_by_id=created_by.id,
            token_hash=_digest(secret),
            created_at=now,
            expires_at=expires_at,
        )
    )
    db.session.flush()
    return IssuedSecret(secret, expires_at)


def valid_reset_link(secret: str) -> PasswordResetLink | None:
    link = db.session.scalar(
        select(PasswordResetLink).where(PasswordResetLink.token_hash == _digest(secret))
    )
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    if not link.user.is_active:
        return None
    return link


def reset_password(secret: str, new_password: str) -> User:
    link = valid_reset_link(secret)
    if link is None:
        raise ValidationError(
            _("This reset link is not valid any more. Ask an administrator for a new one.")
        )
    set_password(link.user, new_password)
    link.used_at = utcnow()
    db.session.flush()
    return link.user

"""Ending a user's sessions: browser sessions, remember-me cookies and API tokens.

Sessions live in signed cookies, which the server cannot take back; each carries the user's
session version (``User.session_nonce``, in ``User.get_id()``), and every request compares it
with the stored one. A new version ends every copy of every session and remember-me cookie.
"""

from __future__ import annotations

from sqlalchemy import update

from lms.accounts.models import ApiToken, User, new_session_nonce
from lms.accounts.services import people_stamp
from lms.core.clock import utcnow
from lms.core.extensions import db


def end_browser_sessions(user: User) -> None:
    """Every session and remember-me cookie of ``user`` stops working (logging out)."""
    user.session_nonce = new_session_nonce()
    db.session.flush()


def revoke_all_tokens(user: User) -> None:
    db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    people_stamp.bump()


def end_everything(user: User) -> None:
    """Sessions, remember-me cookies and API tokens all end (new password, deactivation)."""
    end_browser_sessions(user)
    revoke_all_tokens(user)

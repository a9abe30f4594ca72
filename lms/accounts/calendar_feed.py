"""The secret address of a member's personal calendar feed, and its reset.

The address carries ``<user id>-<signature>``: an HMAC of the user's id and a random nonce under
the site's secret key. Only the nonce is stored, so a copy of the database reveals no address
(as with API tokens), yet the member can be shown their address again at any time. Resetting
draws a new nonce: the old address then answers 404. A member who never reset has no row and
an empty nonce. What the feed contains is the roof's business (``lms.calendar``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db

SIGNATURE_LENGTH = 32  # base64url characters: 192 bits


class CalendarFeed(db.Model):
    """The nonce behind a member's feed address (no row: the address of the empty nonce)."""

    __tablename__ = "calendar_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    nonce: Mapped[str] = mapped_column(String(32))
    reset_at: Mapped[datetime] = mapped_column(default=utcnow)


def _nonce_of(user_id: int) -> str:
    feed = db.session.get(CalendarFeed, user_id)
    return feed.nonce if feed is not None else ""


def _signature(user_id: int, nonce: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"calendar-feed:{user_id}:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_LENGTH]


def feed_token(user: User) -> str:
    """The secret part of the member's feed address."""
    return f"{user.id}-{_signature(user.id, _nonce_of(user.id))}"


def user_for_feed_token(token: str) -> User | None:
    """The active user whose current feed address this is; None for any other string."""
    user_part, _sep, signature = (token or "").partition("-")
    if not user_part.isascii() or not user_part.isdigit() or len(user_part) > 12:
        return None
    user = db.session.get(User, int(user_part))
    if user is None or not user.is_active:
        return None
    expected = _signature(user.id, _nonce_of(user.id))
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    return user


def reset_feed(user: User) -> str:
    """Draw a new nonce: the old address stops working. Returns the new token."""
    feed = db.session.get(CalendarFeed, user.id)
    if feed is None:
        feed = CalendarFeed(user_id=user.id, nonce="")
        db.session.add(feed)
    feed.nonce = secrets.token_hex(16)
    feed.reset_at = utcnow()
    db.session.flush()
    return feed_token(user)

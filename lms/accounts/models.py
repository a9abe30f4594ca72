"""Users, roles, organisation units, API tokens and password-reset links."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.db import TimestampMixin
from lms.core.extensions import db


class Role(enum.StrEnum):
    MEMBER = "member"
    ORGANIZER = "organizer"
    ADMIN = "admin"


ROLE_VALUES = tuple(role.value for role in Role)


def new_session_nonce() -> str:
    return secrets.token_hex(8)


class OrgUnit(TimestampMixin, db.Model):
    """A node of the organisation tree: organisation > branch > group, any depth."""

    __tablename__ = "org_units"
    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_units.id", ondelete="RESTRICT"), index=True
    )
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True)
    )

    # The names from the root down, joined by "/": kept in step by the services on rename and
    # move, so listing users with their unit path, or a subtree, takes no recursive query.
    path: Mapped[str] = mapped_column(String(1000), unique=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.name")
    leader: Mapped[User | None] = relationship(foreign_keys=[leader_id], post_update=True)

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def __repr__(self) -> str:
        return f"<OrgUnit {self.path}>"


class AuthSource(enum.StrEnum):
    """Where an account proves who it is: its password here, or the organisation's directory."""

    LOCAL = "local"
    LDAP = "ldap"
    OIDC = "oidc"


AUTH_SOURCE_VALUES = tuple(source.value for source in AuthSource)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLE_VALUES!r}", name="role_known"),
        CheckConstraint(f"auth_source IN {AUTH_SOURCE_VALUES!r}", name="auth_source_known"),
        UniqueConstraint("auth_source", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER.value)
    unit_id: Mapped[int] = mapped_column(
        ForeignKey("org_units.id", ondelete="RESTRICT"), index=True
    )
    language: Mapped[str | None] = mapped_column(String(16))
    is_active: Mapped[bool] = mapped_column(default=True)  # type: ignore[assignment]
    # Changing it (password change, deactivation) ends every session and remember-me cookie.
    session_nonce: Mapped[str] = mapped_column(String(32), default=new_session_nonce)
    last_login_at: Mapped[datetime | None]
    # A directory account (LDAP, OpenID Connect) has no usable password here; external_id is
    # the directory's name for the person (the entry's DN, lower case; the OIDC subject).
    auth_source: Mapped[str] = mapped_column(
        String(10), default=AuthSource.LOCAL.value, server_default=AuthSource.LOCAL.value
    )
    external_id: Mapped[str | None] = mapped_column(String(500))

    unit: Mapped[OrgUnit] = relationship(foreign_keys=[unit_id], lazy="joined")

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, *roles: Role) -> bool:
        return self.role in {role.value for role in roles}

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value

    @property
    def is_organizer(self) -> bool:
        return self.role in (Role.ORGANIZER.value, Role.ADMIN.value)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class ApiToken(db.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class PasswordResetLink(db.Model):
    """A one-time link an admin hands to a user. Only the SHA-256 of its secret is stored."""

    __tablename__ = "password_reset_links"
    __table_args__ = (Index("ix_password_reset_links_user", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class LoginFailure(db.Model):
    """One failed login, counted once against the account tried and once against the address.

    ``key`` is the SHA-256 of ``account:<username>`` or ``address:<ip>``, so the table holds no
    typed usernames (some are mistyped passwords). Rows older than the window are deleted.
    """

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column(index=True)


class PasswordHandout(db.Model):
    """The generated passwords of one user import, waiting to be downloaded once.

    ``payload`` is encrypted with a key that only the importing admin's page holds (the
    download form sends it back); the table keeps its SHA-256. The row is deleted when the file
    is downloaded, and is useless and purged once ``expires_at`` has passed.
    """

    __tablename__ = "password_handouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)

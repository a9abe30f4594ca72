"""The "people" version stamp (``lms.core.stamps``): what per-process memories of users, units
and tokens are kept under (whom a token belongs to, names and units on cached boards).

Any change to a user (but their last login and password hash, which no memory holds), a unit or
a token (but its last use) bumps it in the change's transaction: every worker sees it at once.
"""

from __future__ import annotations

from lms.accounts.models import ApiToken, OrgUnit, User
from lms.core import stamps

TOPIC = "people"

stamps.watch(TOPIC, User, ignore={"last_login_at", "password_hash", "updated_at"})
stamps.watch(TOPIC, OrgUnit, ignore={"updated_at"})
stamps.watch(TOPIC, ApiToken, ignore={"last_used_at"})


def version() -> int:
    """The version as this transaction sees it."""
    return stamps.current(TOPIC)


def changed_here() -> bool:
    return stamps.changed_here(TOPIC)


def bump() -> None:
    """After a bulk statement on users, units or tokens (the flush does not see those)."""
    stamps.bump(TOPIC)

"""Readiness: may the proxy send this server requests? Database, Redis, migrations current.

``/healthz`` says only that the process answers; ``/readyz`` says that it can do its work, so a
load balancer takes a server out while its database or Redis is unreachable or while the
schema is older than the code (a deploy whose ``flask db upgrade`` has not run yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from lms.core.extensions import db
from lms.core.pubsub import redis_client


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def checks() -> list[Check]:
    """Each readiness check, in order; a check that cannot run is a failed check."""
    database = _database()
    found = [database, _redis()]
    if database.ok:
        found.append(_migrations())
    return found


def _database() -> Check:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means "not ready"
        db.session.rollback()
        return Check("database", False, type(error).__name__)
    return Check("database", True, db.engine.dialect.name)


def _redis() -> Check:
    client = redis_client()
    if client is None:
        return Check("redis", True, "not configured")
    try:
        client.ping()
    except Exception as error:  # any client error means "not ready"
        return Check("redis", False, type(error).__name__)
    return Check("redis", True, "ping")


def _migrations() -> Check:
    try:
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")).all())
    except Exception:  # no alembic_version table: never migrated
        db.session.rollback()
        current = set()
    heads = _heads(current_app.extensions["migrate"].directory)
    if current == heads:
        return Check("migrations", True, ",".join(sorted(heads)))
    return Check(
        "migrations", False, f"database at {sorted(current) or 'none'}, code at {sorted(heads)}"
    )


@cache
def _heads(directory: str) -> frozenset[str]:
    """The newest revisions the shipped migrations define (a fact of files, read once)."""
    return frozenset(ScriptDirectory(directory).get_heads())

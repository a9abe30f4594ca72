"""Pooled connections are tested only after sitting idle (lms.core.db.ping_when_idle)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from lms.core.db import IDLE_PING_SECONDS, ping_when_idle

PID = text("SELECT pg_backend_pid()")


def test_a_connection_dropped_while_idle_is_replaced_before_a_request_meets_it(db):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("a SQLite file has no server that drops connections")
    engine = create_engine(db.engine.url)  # a pool of its own: exactly the connections below
    ping_when_idle(engine)
    try:
        with engine.connect() as first, engine.connect() as second:  # two idle in the pool
            pids = {first.execute(PID).scalar(), second.execute(PID).scalar()}
        with engine.connect() as killer:
            (victim,) = pids - {killer.execute(PID).scalar()}
            killer.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": victim})
        for record in list(engine.pool._pool.queue):
            record.info["lms_idle_since"] -= IDLE_PING_SECONDS + 1  # both sat idle long enough

        with engine.connect() as first, engine.connect() as second:
            now = {first.execute(PID).scalar(), second.execute(PID).scalar()}
        assert victim not in now and len(now) == 2
    finally:
        engine.dispose()

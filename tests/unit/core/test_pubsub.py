"""Writes to Redis wait for the database: run after the commit, dropped on rollback."""

from __future__ import annotations

from typing import Any

from lms.core import pubsub


def test_after_commit_callbacks_run_once_and_not_after_rollback(db: Any) -> None:
    calls: list[str] = []
    pubsub.after_commit(lambda: calls.append("kept"))
    db.session.commit()
    db.session.commit()
    pubsub.after_commit(lambda: calls.append("dropped"))
    db.session.rollback()
    db.session.commit()
    assert calls == ["kept"]


def test_without_redis_there_is_no_client(app: Any, db: Any) -> None:
    assert app.config.get("REDIS_URL") is None
    assert pubsub.redis_client() is None

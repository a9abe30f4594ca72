"""Live notifications: delivered after the commit, dropped on rollback, polled without Redis."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from lms.core import pubsub
from tests.unit.core.test_ranking import TEST_DB, redis_on_test_db


@pytest.fixture
def with_redis(app: Flask, db: Any) -> Iterator[None]:
    client = redis_on_test_db()
    url = client.get_connection_kwargs()
    app.config["REDIS_URL"] = f"redis://{url['host']}:{url['port']}/{TEST_DB}"
    app.config["PUBSUB_PREFIX"] = f"test:{uuid.uuid4().hex}:"
    yield
    app.config["REDIS_URL"] = None
    app.config.pop("PUBSUB_PREFIX")
    client.close()


def _collect(app: Flask, channel: str, timeout: float, into: list[dict[str, Any]]) -> None:
    with app.app_context():
        messages = pubsub.listen(channel, timeout)
    into.extend(messages)  # the iterator needs no application context once made


def test_a_message_arrives_after_the_commit(app: Flask, db: Any, with_redis: None) -> None:
    received: list[dict[str, Any]] = []
    with app.app_context():
        listener = pubsub.listen("board:1", timeout=1.5)
    thread = threading.Thread(target=lambda: received.extend(listener))
    thread.start()
    pubsub.publish("board:1", {"version": 7})
    time.sleep(0.3)
    assert received == []  # nothing before the commit
    db.session.commit()
    thread.join()
    assert received == [{"version": 7}]


def test_a_rolled_back_message_is_never_sent(app: Flask, db: Any, with_redis: None) -> None:
    received: list[dict[str, Any]] = []
    thread = threading.Thread(target=_collect, args=(app, "board:2", 1.0, received))
    thread.start()
    time.sleep(0.2)
    pubsub.publish("board:2", {"version": 1})
    db.session.rollback()
    db.session.commit()
    pubsub.publish("board:2", {"version": 2})
    db.session.commit()
    thread.join()
    assert received == [{"version": 2}]


def test_other_channels_are_not_heard(app: Flask, db: Any, with_redis: None) -> None:
    listener = pubsub.listen("board:3", timeout=0.5)
    pubsub.publish("board:4", {"version": 1})
    db.session.commit()
    assert list(listener) == []


def test_without_redis_listen_waits_one_poll_interval(app: Flask, db: Any) -> None:
    app.config["PUBSUB_POLL_SECONDS"] = 0.2
    try:
        pubsub.publish("board:5", {"version": 1})
        db.session.commit()
        started = time.monotonic()
        assert list(pubsub.listen("board:5", timeout=30)) == []
        assert 0.15 < time.monotonic() - started < 2
        assert pubsub.poll_interval() == 0.2
    finally:
        app.config.pop("PUBSUB_POLL_SECONDS")


def test_after_commit_callbacks_run_once_and_not_after_rollback(db: Any) -> None:
    calls: list[str] = []
    pubsub.after_commit(lambda: calls.append("kept"))
    db.session.commit()
    db.session.commit()
    pubsub.after_commit(lambda: calls.append("dropped"))
    db.session.rollback()
    db.session.commit()
    assert calls == ["kept"]

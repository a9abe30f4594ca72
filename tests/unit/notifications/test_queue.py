"""With LMS_REDIS_URL, a commit that queued deliveries enqueues an rq job; a worker sends."""

from __future__ import annotations

import signal
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lms.accounts.models import User
from lms.notifications import queue, services
from lms.notifications.kinds import Kind
from lms.notifications.models import Delivery, DeliveryState
from tests.conftest import require_service

pytestmark = pytest.mark.redis


@pytest.fixture
def rq_queue(app: Flask) -> Iterator[None]:
    url = require_service("LMS_TEST_REDIS_URL", "the job queue tests")
    saved = app.config["REDIS_URL"], app.config["NOTIFICATIONS_QUEUE"]
    app.config["REDIS_URL"] = url
    app.config["NOTIFICATIONS_QUEUE"] = f"notifications-test-{uuid.uuid4().hex}"
    yield
    with app.app_context():
        queue.queue().empty()
    app.config["REDIS_URL"], app.config["NOTIFICATIONS_QUEUE"] = saved


def test_a_commit_enqueues_and_the_worker_sends_once(
    rq_queue: None, db: Any, make_user: Callable[..., User], mailbox: Any
) -> None:
    member = make_user(username="gus")
    services.set_email(member, "gus@example.org")
    db.session.commit()
    assert queue.queue().count == 0  # nothing queued: no job

    services.notify([member.id], Kind.ANNOUNCEMENT, key="a:1", url=None, message=lambda: ("Hi", ""))
    assert queue.queue().count == 0  # not before the commit
    db.session.commit()
    assert queue.queue().count == 1
    assert mailbox.messages == []  # the request only enqueued

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        queue.work(burst=True)
    finally:  # the worker installs its own; pytest keeps Ctrl-C
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    assert len(mailbox.messages) == 1
    delivery = db.session.scalars(select(Delivery)).one()
    db.session.refresh(delivery)
    assert delivery.state == DeliveryState.SENT

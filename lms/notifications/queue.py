"""The job queue: with ``LMS_REDIS_URL``, every commit that queued deliveries enqueues an rq
job that sends them; ``lms notifications-worker`` runs the jobs. Without Redis, cron runs
``lms send-notifications`` instead. A web request only enqueues; it never sends."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.notifications.models import Delivery, DeliveryState
from lms.notifications.sender import send_due
from lms.notifications.services import QUEUED_FLAG

JOB = "lms.notifications.queue.send_job"


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.pop(QUEUED_FLAG, False):
        return  # a savepoint's end is not the commit
    if not has_app_context() or not current_app.config["REDIS_URL"]:
        return  # cron runs send-notifications
    try:
        enqueue()
    except RedisError:  # cron's send-notifications, if scheduled too, still finds them
        current_app.logger.exception("Could not enqueue the notification sender")


def _after_rollback(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(QUEUED_FLAG, None)


def install() -> None:
    """Enqueue a send job after each commit that queued deliveries (when Redis is set)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


# A job sends at most this many, then queues the next: each job ends well within its timeout.
JOB_LIMIT = 1000
JOB_TIMEOUT_SECONDS = 3600
_connections: dict[str, Redis] = {}


def queue() -> Queue:
    url = current_app.config["REDIS_URL"]
    if url not in _connections:
        _connections[url] = Redis.from_url(url)
    return Queue(current_app.config["NOTIFICATIONS_QUEUE"], connection=_connections[url])


def enqueue(delay: timedelta | None = None) -> None:
    """A send job now, or one after ``delay``: one per second of due time, however often
    asked (its id names the time)."""
    if delay is None:
        queue().enqueue(JOB, job_timeout=JOB_TIMEOUT_SECONDS)
        return
    due = int((utcnow() + delay).timestamp())
    queue().enqueue_in(
        delay, JOB, job_id=f"lms-notifications-retry-{due}", job_timeout=JOB_TIMEOUT_SECONDS
    )


def send_job() -> dict[str, Any]:
    """The rq job: send what is due (up to JOB_LIMIT, then a next job goes on), and come back
    when the next retry is due."""
    report = send_due(limit=JOB_LIMIT)
    next_due = db.session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.state == DeliveryState.PENDING)
    )
    db.session.commit()
    if report.sent + report.retrying + report.failed >= JOB_LIMIT:
        enqueue()
    elif next_due is not None:
        enqueue(max(next_due - utcnow(), timedelta(seconds=1)))
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


def work(*, burst: bool = False) -> None:
    """Run the queue's jobs in this process, inside the app context (rq's SimpleWorker; its
    scheduler enqueues the retries when they are due)."""
    worker = SimpleWorker([queue()], connection=queue().connection)
    worker.work(burst=burst, with_scheduler=True)

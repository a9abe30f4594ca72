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
    if not session.info.pop(QUEUED_FLAG, False):
        return
    if not has_app_context() or not current_app.config["REDIS_URL"]:
        return  # cron runs send-notifications
    try:
        enqueue()
    except RedisError:  # cron's send-notifications, if scheduled too, still finds them
        current_app.logger.exception("Could not enqueue the notification sender")


def _after_rollback(session: Session) -> None:
    session.info.pop(QUEUED_FLAG, None)


def install() -> None:
    """Enqueue a send job after each commit that queued deliveries (when Redis is set)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def queue() -> Queue:
    connection = Redis.from_url(current_app.config["REDIS_URL"])
    return Queue(current_app.config["NOTIFICATIONS_QUEUE"], connection=connection)


def enqueue(delay: timedelta | None = None) -> None:
    """A send job now, or one after ``delay``: one per second of due time, however often
    asked (its id names the time)."""
    if delay is None:
        queue().enqueue(JOB)
        return
    due = int((utcnow() + delay).timestamp())
    queue().enqueue_in(delay, JOB, job_id=f"lms-notifications-retry-{due}")


def send_job() -> dict[str, Any]:
    """The rq job: send what is due, then come back when the next retry is due."""
    report = send_due()
    next_due = db.session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.state == DeliveryState.PENDING)
    )
    db.session.commit()
    if next_due is not None:
        enqueue(max(next_due - utcnow(), timedelta(seconds=1)))
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed}


def work(*, burst: bool = False) -> None:
    """Run the queue's jobs in this process, inside the app context (rq's SimpleWorker; its
    scheduler enqueues the retries when they are due)."""
    worker = SimpleWorker([queue()], connection=queue().connection)
    worker.work(burst=burst, with_scheduler=True)

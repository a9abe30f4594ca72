"""The sender: hands due outbox deliveries to their channels, outside any web request.

It runs as ``flask --app wsgi lms send-notifications`` (from cron, in the embedded default) or
as an rq job (``lms notifications-worker``, when ``LMS_REDIS_URL`` is set). Several senders may
run at once. Nothing is sent twice:

* a sender claims a batch for a lease (``claimed_until``), so others skip it meanwhile;
* each delivery is marked ``sending`` by a compare-and-set on its state and attempt count,
  committed before the channel is called, and no transaction is open during the call;
* a delivery still ``sending`` after its lease (the sender was killed mid-send) is not sent
  again: whether it arrived is unknown, so it fails with a message saying so.

A failed attempt is tried again after a backoff (1, 4, 16, 64 minutes, ... at most 6 hours)
until ``NOTIFICATIONS_MAX_ATTEMPTS``; an error that trying again cannot fix fails at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update

from lms.core import metrics
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.notifications.channels import CHANNELS, DeliveryError
from lms.notifications.models import Delivery, DeliveryState

LEASE = timedelta(minutes=5)
BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
INTERRUPTED = "The sender stopped while sending: not sent again, so that it cannot arrive twice."


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, other: SendReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones."""
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 4 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def send_due(*, batch_size: int = 50, limit: int | None = None) -> SendReport:
    """Send every delivery that is due (at most ``limit``), batch by batch; commits."""
    report = SendReport()
    _give_up_interrupted()
    handled = 0
    while limit is None or handled < limit:
        size = batch_size if limit is None else min(batch_size, limit - handled)
        batch = _claim(size)
        if not batch:
            break
        handled += len(batch)
        report.add(_send_batch(batch))
    return report


def _give_up_interrupted() -> None:
    db.session.execute(
        update(Delivery)
        .where(Delivery.state == DeliveryState.SENDING, Delivery.claimed_until < utcnow())
        .values(state=DeliveryState.FAILED, last_error=INTERRUPTED, claimed_until=None)
    )
    db.session.commit()


def _claim(size: int) -> list[tuple[int, int, str]]:
    """Claim up to ``size`` due deliveries for this sender: (id, attempts, channel)."""
    now = utcnow()
    query = (
        select(Delivery.id, Delivery.attempts, Delivery.channel)
        .where(
            Delivery.state == DeliveryState.PENDING,
            Delivery.next_attempt_at <= now,
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(size)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = [tuple(row) for row in db.session.execute(query)]
    if rows:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_([row[0] for row in rows]))
            .values(claimed_until=now + LEASE)
        )
    db.session.commit()
    return rows  # type: ignore[return-value]


def _send_batch(batch: list[tuple[int, int, str]]) -> SendReport:
    report = SendReport()
    by_channel: dict[str, list[tuple[int, int, Any]]] = defaultdict(list)
    for delivery_id, attempts, channel_key in batch:
        channel = CHANNELS.get(channel_key)
        delivery = db.session.get(Delivery, delivery_id)
        if channel is None or delivery is None:
            _record(
                delivery_id,
                attempts,
                DeliveryError(f"unknown channel {channel_key}", permanent=True),
                report,
            )
            continue
        try:
            by_channel[channel_key].append((delivery_id, attempts, channel.prepare(delivery)))
        except DeliveryError as error:
            _record(delivery_id, attempts, error, report)
        except Exception as error:  # a bug or bad data: this one fails, the others go on
            db.session.rollback()
            current_app.logger.exception("Preparing notification delivery %s failed", delivery_id)
            _record(delivery_id, attempts, _unexpected(error), report)
    db.session.commit()  # no transaction stays open while channels talk to their servers
    for channel_key, items in by_channel.items():
        try:
            with CHANNELS[channel_key].connection() as send:
                for delivery_id, attempts, message in items:
                    if not _mark_sending(delivery_id, attempts):
                        continue  # another sender took it after our lease ran out
                    # An outcome is committed with the next delivery's "sending" mark (one
                    # commit a message: each commit makes SQLite readers drop their cache).
                    try:
                        send(message)
                    except DeliveryError as error:
                        _record(delivery_id, attempts + 1, error, report, commit=False)
                    except Exception as error:  # whether it went out is unknown: never again
                        current_app.logger.exception("Sending delivery %s failed", delivery_id)
                        _record(delivery_id, attempts + 1, _unexpected(error), report, commit=False)
                    else:
                        _record(delivery_id, attempts + 1, None, report, commit=False)
        except DeliveryError as error:  # the channel could not connect: nothing was sent
            for delivery_id, attempts, _message in items:
                _reschedule_unsent(delivery_id, attempts, error, report)
        db.session.commit()
    return report


def _unexpected(error: Exception) -> DeliveryError:
    return DeliveryError(f"{error.__class__.__name__}: {error}"[:1000], permanent=True)


def _mark_sending(delivery_id: int, attempts: int) -> bool:
    result = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.state == DeliveryState.PENDING,
            Delivery.attempts == attempts,
        )
        .values(state=DeliveryState.SENDING, attempts=attempts + 1, claimed_until=utcnow() + LEASE)
    )
    db.session.commit()
    return result.rowcount == 1


def _record(
    delivery_id: int,
    attempts: int,
    error: DeliveryError | None,
    report: SendReport,
    *,
    commit: bool = True,
) -> None:
    """The outcome of attempt number ``attempts``, committed (or left for the caller's next
    commit: a killed sender then leaves the delivery ``sending``, which is never sent again)."""
    now = utcnow()
    values: dict[str, Any] = {"attempts": attempts, "claimed_until": None}
    if error is None:
        values.update(state=DeliveryState.SENT, sent_at=now, last_error=None)
        report.sent += 1
    elif error.permanent or attempts >= int(current_app.config["NOTIFICATIONS_MAX_ATTEMPTS"]):
        values.update(state=DeliveryState.FAILED, last_error=error.message)
        report.failed += 1
    else:
        values.update(
            state=DeliveryState.PENDING,
            last_error=error.message,
            next_attempt_at=now + backoff(attempts),
        )
        report.retrying += 1
    db.session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))
    if commit:
        db.session.commit()


def _reschedule_unsent(
    delivery_id: int, attempts: int, error: DeliveryError, report: SendReport
) -> None:
    """A delivery whose channel failed before it was handed over: an attempt that failed."""
    still_ours = db.session.scalar(
        select(Delivery.id).where(
            Delivery.id == delivery_id,
            Delivery.state == DeliveryState.PENDING,
            Delivery.attempts == attempts,
        )
    )
    if still_ours is not None:
        _record(delivery_id, attempts + 1, error, report)
    else:
        db.session.commit()


def outbox_counts() -> dict[str, int]:
    """How many deliveries are in each state (the admin page)."""
    rows = db.session.execute(
        select(Delivery.state, db.func.count(Delivery.id)).group_by(Delivery.state)
    )
    counts = {
        state: 0
        for state in (
            DeliveryState.PENDING,
            DeliveryState.SENDING,
            DeliveryState.SENT,
            DeliveryState.FAILED,
        )
    }
    counts.update({state: count for state, count in rows})
    return counts


def _count(state: str) -> float:
    return float(
        db.session.scalar(select(db.func.count(Delivery.id)).where(Delivery.state == state)) or 0
    )


metrics.register_gauge(
    "lms_notifications_waiting",
    "Notification deliveries (email, robots) waiting for the sender, retries included.",
    lambda: _count(DeliveryState.PENDING),
)
metrics.register_gauge(
    "lms_notifications_failed",
    "Notification deliveries given up (see the admin page for why).",
    lambda: _count(DeliveryState.FAILED),
)

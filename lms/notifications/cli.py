"""``lms send-notifications`` (cron, without Redis) and ``lms notifications-worker`` (rq)."""

from __future__ import annotations

import click
from flask import current_app

from lms.notifications import queue
from lms.notifications.sender import send_due


@click.command("send-notifications")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many.")
def send_notifications(limit: int | None) -> None:
    """Send the notifications that are due (email and other channels), with retries.

    Run it every minute from cron; several at once never send a message twice."""
    report = send_due(limit=limit)
    click.echo(f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}")


@click.command("notifications-worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def notifications_worker(burst: bool) -> None:
    """Run the notification jobs queued in Redis (LMS_REDIS_URL), retries included."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("LMS_REDIS_URL is not set: run send-notifications from cron.")
    queue.work(burst=burst)

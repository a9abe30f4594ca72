"""``flask --app wsgi lms send-reminders``: run every few minutes from cron, or by the rq cron
scheduler (``deploy/rq_cron.py``) through the notifications worker."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import click

from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.notifications.services import notify
from lms.reminders.finder import due_reminders


def run_reminders(now: datetime | None = None) -> Counter[str]:
    """Queue every reminder that is due; how many were created, by kind. Commits after each
    reminder, so a run stopped half-way keeps what it queued and the next run does the rest."""
    created: Counter[str] = Counter()
    for reminder in due_reminders(now or utcnow()):
        recipients = reminder.recipients()
        if recipients:
            created[reminder.kind.value] += notify(
                recipients, reminder.kind, key=reminder.key, url=reminder.url,
                message=reminder.message,
            )  # fmt: skip
        db.session.commit()
    return created


def reminders_job() -> dict[str, int]:
    """The rq job the cron scheduler enqueues (run inside the app by the notifications worker)."""
    return dict(run_reminders())


@click.command("send-reminders")
def send_reminders() -> None:
    """Queue the reminders that are due: required courses assigned or due soon, activities
    tomorrow, quizzes and competitions opening or closing soon. Each member gets each one once."""
    created = run_reminders()
    total = sum(created.values())
    details = ", ".join(f"{kind} {count}" for kind, count in sorted(created.items()))
    click.echo(f"queued {total} reminders" + (f" ({details})" if details else ""))

"""``flask --app wsgi quizzes ...``: commands for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from lms.core.extensions import db
from quizzes.services.attempts import close_overdue

quizzes_group = AppGroup("quizzes", help="Quiz attempts.")


@quizzes_group.command("close-overdue")
def close_overdue_command() -> None:
    """Grade attempts whose time and grace ran out while their browser was away.

    Run it every minute (cron or a systemd timer); members coming back are served anyway.
    """
    total = 0
    while True:
        closed = close_overdue()
        db.session.commit()
        total += closed
        if closed == 0:
            break
    click.echo(f"{total} overdue attempt(s) closed.")

"""``flask --app wsgi competitions ...``: commands for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from competitions.models import Competition
from competitions.services.standings import rebuild
from lms.core.extensions import db

competitions_group = AppGroup("competitions", help="Competitions and their leaderboards.")


@competitions_group.command("rebuild-leaderboard")
@click.argument("competition_id", type=int)
def rebuild_leaderboard_command(competition_id: int) -> None:
    """Recompute a competition's entries and leaderboards from the database."""
    competition = db.session.get(Competition, competition_id)
    if competition is None:
        raise click.ClickException(f"There is no competition {competition_id}.")
    entries = rebuild(competition)
    db.session.commit()
    click.echo(
        f"Competition {competition_id}: {entries} entr{'y' if entries == 1 else 'ies'} rebuilt."
    )

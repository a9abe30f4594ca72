"""``flask --app wsgi users ...``: create and import users from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from lms.accounts.models import ROLE_VALUES
from lms.accounts.services import ldap_login, login_methods, org_units, users
from lms.accounts.services.user_import import import_users
from lms.core.errors import DomainError
from lms.core.extensions import db

users_group = AppGroup("users", help="Create and import user accounts.")


@users_group.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLE_VALUES), default="member", show_default=True)
@click.option("--password", required=True, help="Initial password.")
@click.option(
    "--org",
    "org_path",
    default=None,
    help='Unit path, e.g. "Org/Branch/Group"; default: the first top-level unit.',
)
@click.option("--display-name", default=None, help="Defaults to the username.")
def create_command(
    username: str, role: str, password: str, org_path: str | None, display_name: str | None
) -> None:
    """Create USERNAME, creating any missing unit on the --org path."""
    try:
        unit = org_units.ensure_unit_path(org_path) if org_path else org_units.default_unit()
        user = users.create_user(
            username=username, password=password, unit=unit, role=role, display_name=display_name
        )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"created {user.username} ({user.role}) in {unit.path}")


@users_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import users from a CSV or XLSX FILE: all rows or none ("row N: reason" for each problem)."""
    try:
        with force_locale("en"):  # scripts read these lines: DESIGN.md section 6
            result = import_users(file.name, file.read_bytes())
    except DomainError as error:
        db.session.rollback()
        for problem in getattr(error, "problems", None) or [error.message]:
            click.echo(problem, err=True)
        raise SystemExit(1) from error
    db.session.commit()
    for row in result.created:
        line = f"created {row.user.username} in {row.user.unit.path}"
        if row.initial_password:
            line += f" (initial password: {row.initial_password})"
        click.echo(line)
    click.echo(f"{len(result.created)} users imported")


@users_group.command("sync-directory")
def sync_directory_command() -> None:
    """Update every LDAP account from the directory; deactivate those it no longer lists.

    Run it from cron (e.g. hourly) so that people who left lose access, sessions and API
    tokens without waiting for a login that never comes.
    """
    settings = login_methods.ldap_settings()
    if not login_methods.login_methods().ldap:
        raise click.ClickException("LDAP logins are switched off (Settings → Login methods).")
    try:
        with force_locale("en"):
            updated, deactivated = ldap_login.sync_accounts(settings)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"{updated} accounts updated, {deactivated} deactivated")

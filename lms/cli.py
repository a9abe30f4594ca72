"""``flask --app wsgi lms ...``: commands that span packages, such as the demo seed."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from contextlib import ExitStack
from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from courses.services.study_hours import credit_completed_work
from lms.accounts.models import Role, User
from lms.accounts.services import org_units, users
from lms.core.backup import BackupError, restore_backup, write_backup
from lms.core.backup.archive import on_disk
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.storage import StorageUnavailableError, get_storage
from lms.core.uploads import stray_keys, unused_uploads
from lms.demo_announcements import seed_announcements
from lms.demo_competitions import seed_competitions
from lms.demo_content import seed_activities, seed_courses, seed_progress, seed_questions
from lms.demo_live import seed_live
from lms.demo_quizzes import seed_quizzes
from lms.points.hours import services as hours
from lms.points.hours.queries import this_year
from question_bank.services import pending_imports

lms_group = AppGroup("lms", help="Platform-wide commands.")

DEMO_PASSWORD = "demo1234"  # noqa: S105 - printed for the local demo only
DEMO_UNITS = (
    "示范学院/第一支部/第一小组",
    "示范学院/第一支部/第二小组",
    "示范学院/第二支部",
    "示范学院/机关党委",
)
DEMO_USERS = (
    ("admin", "系统管理员", Role.ADMIN, "示范学院/机关党委"),
    ("organizer", "竞赛组织者", Role.ORGANIZER, "示范学院/机关党委"),
    ("zhangsan", "张三", Role.MEMBER, "示范学院/第一支部/第一小组"),
    ("lisi", "李四", Role.MEMBER, "示范学院/第一支部/第二小组"),
    ("wangwu", "王五", Role.MEMBER, "示范学院/第二支部"),
    ("zhaoliu", "赵六", Role.MEMBER, "示范学院/第二支部"),
)


def seed_demo_data() -> bool:
    """Fill an empty database with demo units and users. False when it already has users."""
    if db.session.scalar(select(func.count()).select_from(User)):
        return False
    for path in DEMO_UNITS:
        org_units.ensure_unit_path(path)
    created = {}
    for username, name, role, unit_path in DEMO_USERS:
        created[username] = users.create_user(
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            role=role.value,
            unit=org_units.ensure_unit_path(unit_path),
        )
    org_units.ensure_unit_path("示范学院/第一支部").leader = created["zhangsan"]
    org_units.ensure_unit_path("示范学院/第二支部").leader = created["wangwu"]
    db.session.flush()
    governance, ethics = seed_courses(created["admin"], created["organizer"])
    seed_activities(governance)
    seed_questions(created["organizer"])
    seed_progress(created["zhangsan"], governance, 3)
    seed_progress(created["wangwu"], ethics, 2)
    seed_quizzes(created["organizer"], [created["lisi"], created["zhaoliu"]], governance)
    members = [created[name] for name in ("zhangsan", "lisi", "wangwu", "zhaoliu")]
    seed_competitions(created["organizer"], members)
    seed_live(created["organizer"], members)
    hours.set_target(year=this_year(), unit=None, role=None, centihours=3200)
    seed_announcements(created["organizer"], created["zhangsan"], created["lisi"])
    return True


@lms_group.command("seed-demo")
def seed_demo() -> None:
    """Add demo data when the database has no users, then print the demo logins."""
    if seed_demo_data():
        db.session.commit()
        click.echo("Demo data created.")
    else:
        click.echo("The database already has users; demo data was not added.")
    click.echo(f"Demo logins (password for each: {DEMO_PASSWORD}):")
    for username, name, role, unit_path in DEMO_USERS:
        click.echo(f"  {username:<10} {role.value:<10} {unit_path}  ({name})")


@lms_group.command("clean-storage")
@click.option(
    "--hours", default=24, show_default=True, help="Leave what is younger than this alone."
)
def clean_storage(hours: int) -> None:
    """Remove abandoned files: import previews never imported, uploads nothing uses any more
    (replaced covers, removed attachments, videos of forms never saved) and stored files of no
    upload. Scheduled daily (docs/operations.md)."""
    cutoff = utcnow() - timedelta(hours=hours)
    previews = pending_imports.clean(timedelta(hours=hours))
    strays = stray_keys(cutoff, skip_prefix=pending_imports.PREFIX)
    unused = unused_uploads(cutoff)
    keys = [upload.key for upload in unused]
    for upload in unused:
        db.session.delete(upload)
    db.session.commit()
    store = get_storage()
    for key in keys + strays:
        store.delete(key)
    click.echo(
        f"removed {previews} import previews, {len(unused)} unused uploads, "
        f"{len(strays)} stray files"
    )


@lms_group.command("credit-study-hours")
def credit_study_hours() -> None:
    """Credit the study hours of work completed before they were counted (after an upgrade);
    each on the day it was done. Running it again credits nothing twice."""
    credited = credit_completed_work()
    db.session.commit()
    click.echo(f"credited {credited} pieces of completed work")


BACKUP_FAILURES = (BackupError, StorageUnavailableError, SQLAlchemyError, OSError)


def _reason(error: Exception) -> str:
    """What went wrong, without the SQL statement a database error carries."""
    return str(getattr(error, "orig", None) or error).strip()


def _progress(quiet: bool) -> Callable[[str], None]:
    return (lambda _message: None) if quiet else (lambda message: click.echo(message, err=True))


@lms_group.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The archive to write (a tar file), or - for standard output.",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def backup(output: str, quiet: bool) -> None:
    """Write the database (a consistent snapshot) and every stored file into one archive."""
    try:
        manifest = write_backup(output, progress=_progress(quiet))
    except BACKUP_FAILURES as error:
        raise click.ClickException(f"no backup written: {_reason(error)}") from error
    rows = sum(table["rows"] for table in manifest["database"]["tables"])
    if not quiet:
        click.echo(
            f"wrote {output}: {rows} rows in {len(manifest['database']['tables'])} tables, "
            f"{manifest['files']['count']} files, schema {manifest['schema_revision']}",
            err=True,
        )


@lms_group.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--replace",
    is_flag=True,
    help="Delete the rows and files already there (else a site that is not empty is refused).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def restore(archive: str, replace: bool, quiet: bool) -> None:
    """Fill an empty database and storage from an archive of `lms backup`, checked first.

    ARCHIVE is a file, or - for standard input (copied to a private temporary file first)."""
    if quiet:
        logging.disable(logging.INFO)  # the migrations' log lines
    try:
        with ExitStack() as stack:
            path = archive
            if archive == "-":
                path = stack.enter_context(on_disk(sys.stdin.buffer))
            manifest = restore_backup(path, replace=replace, progress=_progress(quiet))
    except BACKUP_FAILURES as error:
        raise click.ClickException(f"nothing restored: {_reason(error)}") from error
    finally:
        logging.disable(logging.NOTSET)
    if not quiet:
        click.echo(f"restored {archive} (made {manifest['created_at']})", err=True)

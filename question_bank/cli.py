"""``flask --app wsgi questions import|export``: the bank from the command line (DESIGN.md §6)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from lms.core.errors import DomainError
from lms.core.extensions import db
from question_bank.models import Question, QuestionCategory
from question_bank.services import categories
from question_bank.services.exporting import export_report
from question_bank.services.importing import FORMATS, import_checked, preview

questions_group = AppGroup("questions", help="Import and export the question bank.")


@questions_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "--category",
    "category_path",
    default=None,
    help="Category path for questions whose file names none.",
)
@click.option("--dry-run", is_flag=True, help="Only check the file and report.")
def import_command(file: Path, fmt: str, category_path: str | None, dry_run: bool) -> None:
    """Import FILE: every question or none. Problems print as "line N: reason"; exit 1."""
    with force_locale("en"):  # scripts read these lines: DESIGN.md section 6
        _import(file.read_bytes(), fmt, category_path, dry_run)


def _import(data: bytes, fmt: str, category_path: str | None, dry_run: bool) -> None:
    try:
        checked = preview(data, fmt, category_path)
        for warning in checked.warnings:
            click.echo(f"{warning} (warning)")
        if dry_run:
            for problem in checked.problems:
                click.echo(problem, err=True)
            for line in sorted(checked.duplicates):
                click.echo(f"line {line}: duplicate of an existing question (imported anyway)")
            click.echo(f"{len(checked.questions)} questions would be imported")
            raise SystemExit(1 if checked.problems else 0)
        created = import_checked(checked, by=None)
    except DomainError as error:
        db.session.rollback()
        for problem in getattr(error, "problems", None) or [error.message]:
            click.echo(problem, err=True)
        raise SystemExit(1) from error
    db.session.commit()
    click.echo(f"{len(created)} questions imported")


@questions_group.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option("--category", "category_path", default=None, help="Only this category and below.")
@click.option("-o", "output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def export_command(fmt: str, category_path: str | None, output: Path) -> None:
    """Write the questions in use to OUTPUT; list those the format cannot hold (left out) or
    holds only in part, with the reason."""
    query = select(Question).join(QuestionCategory).where(Question.is_retired.is_(False))
    if category_path:
        category = categories.by_path(category_path)
        if category is None:
            raise click.ClickException(f"no category {category_path}")
        query = query.where(
            (QuestionCategory.id == category.id)
            | QuestionCategory.path.startswith(category.path + "/")
        )
    found = list(db.session.scalars(query.order_by(QuestionCategory.path, Question.id)))
    with force_locale("en"):
        report = export_report(found, fmt)
    output.write_bytes(report.data)
    click.echo(f"{report.written} of {len(found)} questions exported to {output}")
    for question, reason in report.skipped:
        click.echo(f"question {question.id} ({_label(question)}): not written: {reason}", err=True)
    for question, note in report.changed:
        click.echo(f"question {question.id} ({_label(question)}): {note}", err=True)


def _label(question: Question) -> str:
    version = question.current
    text = version.title or " ".join(version.stem_md.split())
    return text if len(text) <= 30 else text[:29] + "…"

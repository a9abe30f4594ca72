"""Writing questions in any of the formats (the pages and the CLI share this).

An export never claims more than it wrote: a question the format cannot hold is left out with
the reason, and one it holds only in part (a grading rule or a text the format has no place
for) is written and listed with what it lost.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext as _

from question_bank.formats import aiken, gift, moodle_xml, spreadsheet
from question_bank.models import Question, QuestionVersion

CHOICES = ("single_choice", "multiple_choice")


@dataclass
class ExportReport:
    data: bytes
    written: int
    skipped: list[tuple[Question, str]] = field(default_factory=list)
    changed: list[tuple[Question, str]] = field(default_factory=list)


def _moodle_like(version: QuestionVersion, name: str) -> tuple[str | None, list[str]]:
    d, lost = version.definition, []
    if version.type == "fill_blank" and len(d["blanks"]) != 1:
        return _("%(format)s holds one blank per question", format=name), []
    if version.type == "multiple_choice" and (
        d.get("scoring", "all") == "all" or d.get("penalty", 1.0) != 1.0
    ):
        lost.append(_("written with partial credit and a full penalty for each wrong pick"))
    if name == "GIFT" and version.type == "matching" and any("->" in p["left"] for p in d["pairs"]):
        return _("GIFT cannot write “->” on the left side of a pair"), []
    if name == "GIFT" and version.type == "numerical" and d.get("units"):
        lost.append(_("its units are not written"))
    if name == "GIFT" and version.type == "short_answer" and d.get("reference"):
        lost.append(_("its reference answer is not written"))
    return None, lost


def _gift(version: QuestionVersion) -> tuple[str | None, list[str]]:
    return _moodle_like(version, "GIFT")


def _moodle_xml(version: QuestionVersion) -> tuple[str | None, list[str]]:
    return _moodle_like(version, "Moodle XML")


def _aiken(version: QuestionVersion) -> tuple[str | None, list[str]]:
    if version.type not in CHOICES:
        return _("Aiken holds only single and multiple choice questions"), []
    lost = []
    if version.explanation_md or any(o.get("feedback") for o in version.definition["options"]):
        lost.append(_("its explanation and feedback are not written"))
    if version.type == "multiple_choice" and version.definition.get("scoring") == "partial":
        lost.append(_("written as all or nothing"))
    return None, lost


def _sheet(question: Question) -> tuple[str | None, list[str]]:
    reason = spreadsheet.cannot_export(question)
    options = question.current.definition.get("options", [])
    lost = [_("its per-option feedback is not written")] if any(
        o.get("feedback") for o in options
    ) else []  # fmt: skip
    return reason, lost


WRITERS: dict[str, Callable[[list[Question]], bytes]] = {
    "gift": gift.export,
    "moodle-xml": moodle_xml.export,
    "aiken": aiken.export,
    "xlsx": lambda questions: spreadsheet.export(questions, "xlsx"),
    "csv": lambda questions: spreadsheet.export(questions, "csv"),
}
CHECKS: dict[str, Callable[[Question], tuple[str | None, list[str]]]] = {
    "gift": lambda q: _gift(q.current),
    "moodle-xml": lambda q: _moodle_xml(q.current),
    "aiken": lambda q: _aiken(q.current),
    "xlsx": _sheet,
    "csv": _sheet,
}


def export_report(questions: list[Question], fmt: str) -> ExportReport:
    """The file, how many questions it holds, and which were left out or changed, and why."""
    kept: list[Question] = []
    skipped: list[tuple[Question, str]] = []
    changed: list[tuple[Question, str]] = []
    for question in questions:
        reason, lost = CHECKS[fmt](question)
        if reason is not None:
            skipped.append((question, reason))
            continue
        kept.append(question)
        changed.extend((question, note) for note in lost)
    return ExportReport(WRITERS[fmt](kept), len(kept), skipped, changed)


def export_questions(questions: list[Question], fmt: str) -> bytes:
    return export_report(questions, fmt).data

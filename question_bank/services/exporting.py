"""Writing questions in any of the formats (the pages and the CLI share this)."""

from __future__ import annotations

from question_bank.formats import aiken, gift, moodle_xml, spreadsheet
from question_bank.models import Question


def export_questions(questions: list[Question], fmt: str) -> bytes:
    writers = {"gift": gift.export, "moodle-xml": moodle_xml.export, "aiken": aiken.export}
    if fmt in writers:
        return writers[fmt](questions)
    return spreadsheet.export(questions, fmt)

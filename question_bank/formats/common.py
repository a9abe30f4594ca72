"""What every format parser produces, and the checks they share."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from lms.core.errors import DomainError, ValidationError
from lms.core.uploads import TooLargeError
from question_bank.formats.embedded import EmbeddedFile, shown
from question_bank.services.questions import QuestionContent

MAX_BYTES = 10 * 1024 * 1024
MAX_QUESTIONS = 20_000  # rows of a spreadsheet, questions of any file
MAX_COLUMNS = 64
MAX_CELLS = 500_000
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell


@dataclass
class ParsedQuestion:
    line: int  # where the question starts: a line of a text file or a spreadsheet row
    category_path: str
    content: QuestionContent
    tags: list[str] = field(default_factory=list)
    files: list[EmbeddedFile] = field(default_factory=list)  # stored when the import runs

    @property
    def shown(self) -> QuestionContent:
        """The content as a preview shows it, its embedded files not stored yet."""
        return shown(self.content, self.files)


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # reported, but the file still imports

    def add_warning(self, line: int, message: str) -> None:
        self.warnings.append(_("line %(n)d: %(message)s", n=line, message=message))

    def add_problem(self, line: int, message: str, *, row: bool = False) -> None:
        self.problems.append(
            _("row %(n)d: %(message)s", n=line, message=message)
            if row
            else _("line %(n)d: %(message)s", n=line, message=message)
        )

    def accept(self, parsed: ParsedQuestion, *, row: bool = False) -> None:
        """Keep the question if its type accepts it; otherwise record why, with its line."""
        if len(self.questions) >= MAX_QUESTIONS:
            raise ValidationError(
                _(
                    "line %(n)d: a file holds at most %(max)d questions: split it.",
                    n=parsed.line,
                    max=MAX_QUESTIONS,
                )
            )
        try:
            checked = parsed.content.checked()
        except DomainError as error:
            self.add_problem(parsed.line, error.message, row=row)
            return
        parsed.content = checked
        self.questions.append(parsed)


def check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise TooLargeError(_("The file is larger than %(n)d MB.", n=MAX_BYTES // 1024 // 1024))


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM, any line ends); a clear message for anything else."""
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    check_size(data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(
            _(
                "The file is not UTF-8 text (the problem is at byte %(n)d). Save it as UTF-8.",
                n=error.start,
            )
        ) from error
    if "\x00" in text:
        raise ValidationError(_("This is not a text file."))
    return text.replace("\r\n", "\n").replace("\r", "\n")

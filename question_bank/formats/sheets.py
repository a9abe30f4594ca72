"""Reading the rows of an uploaded spreadsheet (XLSX or CSV) one at a time, within limits.

A hostile workbook is small on the wire and huge once unpacked: a declared range of A1:ZZ20000,
one shared string of 60 MB, a row numbered 1,000,000. Before openpyxl opens an XLSX, its sheets
and shared strings are scanned with expat as they are unzipped (nothing is kept), so that rows,
columns, cells and cell sizes are refused with a message naming the row before any of them costs
memory; openpyxl then streams the rows (read-only, its declared dimensions ignored). CSV rows are
checked as they are read, with their line.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from xml.parsers import expat

from flask_babel import gettext as _
from openpyxl import load_workbook

from lms.core.errors import ValidationError
from lms.core.uploads import TooLargeError
from question_bank.formats.common import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_QUESTIONS,
    check_size,
    decode_text,
)

MAX_UNPACKED = 100 * 1024 * 1024  # all the parts of a workbook, unzipped
MAX_ROWS = MAX_QUESTIONS + 1  # and the header
MAX_TEXT = 20_000_000  # characters of text in one part (openpyxl keeps shared strings in memory)
CHUNK = 64 * 1024
_REFERENCE = re.compile(r"^([A-Z]+)(\d+)$")


def _column(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _too_many_rows() -> ValidationError:
    return ValidationError(
        _("The file has more than %(n)d rows of questions: split it.", n=MAX_QUESTIONS)
    )


def _too_long(where: str) -> ValidationError:
    return ValidationError(
        _("%(where)s: a cell holds more than %(n)d characters.", where=where, n=MAX_CELL_CHARS)
    )


class _Scan:
    """Counts what one XML part of a workbook holds, refusing as soon as a limit is passed."""

    def __init__(self, shared: bool) -> None:
        self.shared = shared
        self.row = 0
        self.column = 0
        self.cells = 0
        self.length = 0  # characters of the current cell or shared string
        self.total = 0
        self.in_text = False

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        if tag in ("si", "c"):
            self.length = 0
            self._cell(tag, attributes)
        elif tag == "row":
            self.row = int(attributes.get("r") or self.row + 1)
            if self.row > MAX_ROWS:
                raise _too_many_rows()
        elif tag in ("t", "v"):
            self.in_text = True

    def _cell(self, tag: str, attributes: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > MAX_CELLS:
            raise ValidationError(_("The file has more than %(n)d cells.", n=MAX_CELLS))
        match = _REFERENCE.match(attributes.get("r", ""))
        self.column = _column(match.group(1)) if match else self.column + 1

    def end(self, tag: str) -> None:
        if tag in ("t", "v"):
            self.in_text = False

    def text(self, data: str) -> None:
        if not self.in_text:
            return
        self.length += len(data)
        self.total += len(data)
        if self.total > MAX_TEXT:
            raise TooLargeError(_("The file holds more than %(n)d characters of text.", n=MAX_TEXT))
        if self.length > MAX_CELL_CHARS:
            where = _("row %(n)d", n=self.row) if not self.shared else _("A text of the file")
            raise _too_long(where)
        if not self.shared and self.column > MAX_COLUMNS and data.strip():
            raise ValidationError(
                _("row %(n)d: more than %(max)d columns.", n=self.row, max=MAX_COLUMNS)
            )


def _refuse_declarations(*_args: object) -> None:
    raise ValidationError(_("This is not an Excel .xlsx file."))


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shared: bool) -> None:
    scan = _Scan(shared)
    parser = expat.ParserCreate()
    parser.StartElementHandler = lambda tag, attributes: scan.start(_local(tag), attributes)
    parser.EndElementHandler = lambda tag: scan.end(_local(tag))
    parser.CharacterDataHandler = scan.text
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    with archive.open(info) as part:
        try:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise ValidationError(_("This is not an Excel .xlsx file.")) from error


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _guard(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(_("This is not an Excel .xlsx file.")) from error
    if sum(info.file_size for info in infos) > MAX_UNPACKED:
        raise TooLargeError(
            _("The workbook unpacks to more than %(n)d MB.", n=MAX_UNPACKED // 1024 // 1024)
        )
    for info in infos:
        name = info.filename
        if name == "xl/sharedStrings.xml":
            _scan_part(archive, info, shared=True)
        elif name.startswith("xl/worksheets/") and name.endswith(".xml"):
            _scan_part(archive, info, shared=False)


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    _guard(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError) as error:
        raise ValidationError(_("This is not an Excel .xlsx file.")) from error
    try:
        sheet.reset_dimensions()  # a declared A1:ZZ20000 pads nothing
        for count, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)):
            if count >= MAX_ROWS:
                raise _too_many_rows()
            yield list(row)
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[object]]:
    reader = csv.reader(io.StringIO(decode_text(data)))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # a field over the csv module's own limit, among others
            raise _too_long(_("line %(n)d", n=reader.line_num)) from error
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise _too_long(_("line %(n)d", n=reader.line_num))
        if any(cell.strip() for cell in row[MAX_COLUMNS:]):
            raise ValidationError(
                _("line %(n)d: more than %(max)d columns.", n=reader.line_num, max=MAX_COLUMNS)
            )
        yield row[:MAX_COLUMNS]


def read_rows(data: bytes, fmt: str) -> Iterator[tuple[int, list[object]]]:
    """(row number, cells) for each row of the first sheet, the header first."""
    check_size(data)
    if fmt != "csv" and not data:
        raise ValidationError(_("The file is empty."))
    rows = _csv_rows(data) if fmt == "csv" else _xlsx_rows(data)
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise _too_many_rows()
        yield number, row

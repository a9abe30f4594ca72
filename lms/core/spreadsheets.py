"""Tables exported as CSV or XLSX, safe to open in a spreadsheet program.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read as a
formula by Excel or LibreOffice ("CSV injection"); such text is prefixed with an apostrophe.
Every text is first cleaned of the characters a file cannot hold (control characters, which
make openpyxl refuse the whole workbook, and lone surrogates), so any stored text exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook

from lms.core.text import printable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value: Any) -> Any:
    if isinstance(value, str):
        value = printable(value)
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return value


def table_bytes(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The table as ``csv`` (UTF-8 with BOM, so Excel reads Chinese) or ``xlsx`` bytes."""
    safe_rows = [[safe_cell(value) for value in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([safe_cell(title) for title in header])
        writer.writerows(safe_rows)
        return buffer.getvalue().encode("utf-8-sig")
    return workbook_bytes([("Sheet", header, safe_rows)])


def workbook_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An XLSX workbook of several sheets, each ``(title, header, rows)``, cells made safe."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(printable(title)[:31] or "Sheet")
        sheet.append([safe_cell(value) for value in header])
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

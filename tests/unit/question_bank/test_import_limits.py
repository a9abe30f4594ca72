"""Hostile files are refused with a clear message before they cost memory (each built here)."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest

from lms.core.errors import DomainError
from question_bank.formats import common, sheets
from question_bank.formats.common import MAX_CELL_CHARS, MAX_QUESTIONS
from question_bank.services.importing import preview
from tests.unit.question_bank.test_formats import _xlsx, english  # noqa: F401 - a fixture

HEADER = ["题型", "题干", "选项A", "选项B", "答案"]


def _patched(data: bytes, part: str, change) -> bytes:
    """The workbook with one of its XML parts rewritten (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                changed = change(body)
                assert changed != body  # the test really builds the hostile part
                body = changed
            target.writestr(info, body)
        if part not in source.namelist():
            target.writestr(part, change(b""))
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
GOOD = [HEADER, ["单选", "一大在哪里召开？", "北京", "上海", "B"]]


def _refused(data: bytes, fmt: str, needle: str) -> str:
    with pytest.raises(DomainError) as raised:
        preview(data, fmt)
    assert needle in raised.value.message, raised.value.message
    return raised.value.message


def test_a_declared_range_of_a1_zz20000_costs_nothing(db):
    data = _patched(
        _xlsx(GOOD),
        SHEET,
        lambda b: re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="A1:ZZ20000"/>', b),
    )
    assert len(data) < 10_000
    tracemalloc.start()
    result = preview(data, "xlsx")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(result.questions) == 1
    assert peak < 20 * 1024 * 1024


def test_a_huge_shared_string_is_refused_while_unzipping(db):
    huge = b"<si><t>" + b"x" * (60 * 1024 * 1024) + b"</t></si>"
    data = _patched(
        _xlsx(GOOD),
        "xl/sharedStrings.xml",
        lambda _b: SST + huge + b"</sst>",
    )
    assert len(data) < 200_000
    tracemalloc.start()
    message = _refused(data, "xlsx", f"a cell holds more than {MAX_CELL_CHARS} characters")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, message


def test_an_inline_string_too_long_is_refused_with_its_row(db):
    cell = b'<c r="B2" t="inlineStr"><is><t>' + b"y" * (MAX_CELL_CHARS + 1) + b"</t></is></c>"
    data = _patched(
        _xlsx(GOOD),
        SHEET,
        lambda b: b.replace(
            b"</row></sheetData>", b"</row>" + b'<row r="2">' + cell + b"</row></sheetData>", 1
        ),
    )
    _refused(data, "xlsx", "row 2: a cell holds more than")


def test_too_many_rows_and_far_rows_are_refused(db):
    far = _patched(
        _xlsx(GOOD),
        SHEET,
        lambda b: b.replace(b'<row r="2"', b'<row r="1000000"').replace(b'r="A2"', b'r="A1000000"'),
    )
    _refused(far, "xlsx", f"more than {MAX_QUESTIONS} rows")
    rows = "\n".join(["题型,题干,选项A,选项B,答案"] + ["单选,题,甲,乙,A"] * (MAX_QUESTIONS + 1))
    _refused(rows.encode(), "csv", f"more than {MAX_QUESTIONS} rows")


def test_a_value_beyond_the_last_column_is_refused(db):
    far = _patched(
        _xlsx(GOOD),
        SHEET,
        lambda b: b.replace(
            b"</row></sheetData>",
            b'<c r="ZZ2" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    _refused(far, "xlsx", "row 2: more than 64 columns")
    wide = "题型,题干,答案\n判断,对吗？,对" + ",x" * 70
    _refused(wide.encode(), "csv", "line 2: more than 64 columns")


def test_a_csv_cell_over_128_kb_is_refused_with_its_line(db):
    text = '题型,题干,答案\n判断,对吗？,对\n判断,"' + "长" * (200 * 1024) + '",对\n'
    _refused(text.encode(), "csv", "line 3: a cell holds more than")
    longish = "题型,题干,答案\n简答," + "z" * (MAX_CELL_CHARS + 1) + ",要点\n"
    _refused(longish.encode(), "csv", "line 2: a cell holds more than")


def test_a_workbook_that_unpacks_too_far_is_refused(db):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (101 * 1024 * 1024))
    assert len(out.getvalue()) < 1_000_000
    _refused(out.getvalue(), "xlsx", "unpacks to more than 100 MB")


def test_a_document_type_declaration_in_a_sheet_is_refused(db):
    bomb = _patched(
        _xlsx(GOOD),
        SHEET,
        lambda b: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + b,
    )
    _refused(bomb, "xlsx", "not an Excel")


@pytest.mark.parametrize("fmt", ["gift", "aiken", "moodle-xml"])
def test_a_text_file_holds_a_limited_number_of_questions(db, monkeypatch, fmt):
    monkeypatch.setattr(common, "MAX_QUESTIONS", 3)
    texts = {
        "gift": "\n\n".join(f"Q{n}?{{T}}" for n in range(5)),
        "aiken": "\n\n".join(f"Q{n}?\nA. x\nB. y\nANSWER: A" for n in range(5)),
        "moodle-xml": "<quiz>\n"
        + "\n".join(
            f'<question type="truefalse"><questiontext><text>Q{n}?</text></questiontext>'
            '<answer fraction="100"><text>true</text></answer></question>'
            for n in range(5)
        )
        + "\n</quiz>",
    }
    _refused(texts[fmt].encode(), fmt, "a file holds at most 3 questions")


def test_many_long_shared_strings_are_refused_before_openpyxl_keeps_them(db, monkeypatch):
    monkeypatch.setattr(sheets, "MAX_TEXT", 100_000)
    strings = b"".join(b"<si><t>" + b"s" * 30_000 + b"</t></si>" for _n in range(4))
    data = _patched(_xlsx(GOOD), "xl/sharedStrings.xml", lambda _b: SST + strings + b"</sst>")
    _refused(data, "xlsx", "more than 100000 characters of text")

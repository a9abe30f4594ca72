"""Names and titles refuse invisible characters; exports clean any stored text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from lms.core.errors import ValidationError
from lms.core.spreadsheets import safe_cell, table_bytes
from lms.core.text import check_plain_text, printable, text_problem

BAD = ["张三\x01", "a\x00b", "x\x1fy", "evil\u202egnp.exe", "a\u2066b", "c\x85d", "lone\ud800"]


@pytest.mark.parametrize("value", BAD)
def test_invisible_characters_are_refused(app, value):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert text_problem(value) is not None
        assert text_problem(value, multiline=True) is not None
        with pytest.raises(ValidationError) as refused:
            check_plain_text(value, field="display_name")
        assert refused.value.field == "display_name"
        assert "U+" in refused.value.message


def test_ordinary_text_passes_and_lines_only_where_allowed(app):
    with app.test_request_context():
        for value in ("张三", "李堃喆 𠀀", "Zoë O'Neil", "第1题：x ≥ 2", ""):
            assert check_plain_text(value, field="title") == value
        assert text_problem("line one\nline\ttwo\r\n", multiline=True) is None
        assert text_problem("line one\nline two") is not None


def test_printable_drops_what_a_file_cannot_hold():
    assert printable("张三\x01") == "张三"
    assert printable("a\tb\nc\u202ed") == "a\tb\ncd"
    assert printable("x\ud800y") == "x\ufffdy"


def test_safe_cell_cleans_before_guarding_formulas():
    assert safe_cell("\x01=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_cell("-1") == "'-1"
    assert safe_cell(3) == 3


def test_tables_with_any_stored_text_export(app):
    rows = [[name, 1] for name in BAD] + [["=1+1", 2]]
    workbook = load_workbook(io.BytesIO(table_bytes("xlsx", ["名字\x02", "分"], rows)))
    values = [row[0] for row in workbook.active.iter_rows(values_only=True)]
    assert values[:2] == ["名字", "张三"]
    assert values[-1] == "'=1+1"
    text = table_bytes("csv", ["name", "score"], rows).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text)))[1] == ["张三", "1"]

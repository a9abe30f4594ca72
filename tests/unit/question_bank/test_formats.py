"""Aiken, Excel and CSV: parsing with line numbers, all or nothing, and round trips."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook

from lms.core.errors import ValidationError
from lms.core.uploads import TooLargeError
from question_bank.formats import aiken, spreadsheet
from question_bank.models import Question
from question_bank.services.importing import import_questions, preview

AIKEN = """中国共产党第一次全国代表大会在哪里召开？
A. 北京
B. 上海
C. 广州
ANSWER: B

下列哪些是新民主主义革命时期的会议？
A) 遵义会议
B) 十一届三中全会
C) 古田会议
ANSWER: A, C
"""


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_aiken_single_and_multiple(db):
    result = aiken.parse(AIKEN.encode(), "党史")
    assert result.problems == []
    first, second = result.questions
    assert (first.line, first.content.type, first.content.definition["correct"]) == (
        1,
        "single_choice",
        "b",
    )
    assert (second.line, second.content.type, second.content.definition["correct"]) == (
        7,
        "multiple_choice",
        ["a", "c"],
    )


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Q?\nA. x\nC. y\nANSWER: A\n", "line 3: expected option B"),
        ("Q?\nA. x\nB. y\n", "line 3: the question has no ANSWER"),
        ("Q?\nA. x\nB. y\nANSWER: D\n", "line 4: the answer names an option"),
        ("Q?\nA. x\nANSWER: A\n", "line 1: A choice question has 2 to 10"),
    ],
)
def test_aiken_problems_have_line_numbers(db, text, needle):
    result = aiken.parse(text.encode(), "x")
    assert any(p.startswith(needle) for p in result.problems), result.problems


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        ("题目".encode("gb18030"), "not UTF-8"),
        (b"a\x00b", "not a text file"),
    ],
)
def test_bad_text_files(db, data, message):
    with pytest.raises(ValidationError, match=message):
        aiken.parse(data, "x")


def test_bom_and_crlf_are_fine(db):
    data = "\ufeff".encode() + AIKEN.replace("\n", "\r\n").encode()
    assert len(aiken.parse(data, "x").questions) == 2


def test_too_large(db):
    with pytest.raises(TooLargeError):
        aiken.parse(b"x" * (10 * 1024 * 1024 + 1), "x")


SHEET = [
    [
        "题型",
        "题干",
        "选项A",
        "选项B",
        "选项C",
        "选项D",
        "答案",
        "解析",
        "难度",
        "分值",
        "标签",
        "分类",
    ],
    [
        "单选",
        "一大在哪里召开？",
        "北京",
        "上海",
        "",
        "",
        "B",
        "在上海召开",
        2,
        2,
        "党史",
        "党史/一大",
    ],
    ["多选", "哪些是会议？", "遵义会议", "长征", "古田会议", "", "AC", "", 3, 1, "", ""],
    ["判断", "遵义会议在1935年召开。", "", "", "", "", "对", "", 1, 1, "", ""],
    ["填空", "一大于____年在（ ）召开。", "", "", "", "", "1921；上海|上海市", "", 2, 2, "", ""],
    ["简答", "谈谈你的体会。", "", "", "", "", "要点", "", 3, 5, "", ""],
]


def test_spreadsheet_every_type(db):
    result = spreadsheet.parse(_xlsx(SHEET), "默认")
    assert result.problems == []
    kinds = [q.content.type for q in result.questions]
    assert kinds == ["single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer"]
    fill = result.questions[3]
    assert fill.content.stem_md == "一大于{{1}}年在{{2}}召开。"
    assert fill.content.definition["blanks"] == [["1921"], ["上海", "上海市"]]
    assert result.questions[0].category_path == "党史/一大"
    assert result.questions[1].category_path == "默认"
    assert result.questions[0].tags == ["党史"]


def test_spreadsheet_bad_rows_are_listed_and_nothing_imported(db):
    rows = [
        SHEET[0],
        ["单选", "缺答案", "甲", "乙", "", "", "", "", 1, 1, "", ""],
        ["单选", "答案越界", "甲", "乙", "", "", "D", "", 1, 1, "", ""],
        ["画图", "未知题型", "", "", "", "", "x", "", 1, 1, "", ""],
        ["判断", "判断不明", "", "", "", "", "也许", "", 1, 1, "", ""],
        ["单选", "难度不是数", "甲", "乙", "", "", "A", "", "高", 1, "", ""],
        ["单选", "好题", "甲", "乙", "", "", "A", "", 1, 1, "", ""],
    ]
    data = _xlsx(rows)
    problems = preview(data, "xlsx").problems
    for row in (2, 3, 4, 5, 6):
        assert any(p.startswith(f"row {row}:") for p in problems), (row, problems)
    assert not any(p.startswith("row 7:") for p in problems)
    with pytest.raises(ValidationError) as raised:
        import_questions(data, "xlsx")
    assert len(raised.value.problems) == 5
    assert db.session.query(Question).count() == 0


def test_header_problems(db):
    problems = preview(_xlsx([["题型", "颜色"], ["单选", "x"]]), "xlsx").problems
    assert any("unknown column “颜色”" in p for p in problems)
    assert any("missing column “stem”" in p for p in problems)
    with pytest.raises(ValidationError, match="not an Excel"):
        preview(b"PK\x03\x04 broken", "xlsx")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_spreadsheets(db, fmt):
    created = import_questions(_xlsx(SHEET), "xlsx", "默认")
    exported = spreadsheet.export(created, fmt)
    again = preview(exported, fmt)
    assert again.problems == []
    before = [
        (
            q.current.type,
            q.current.stem_md,
            q.current.definition,
            q.current.explanation_md,
            q.current.difficulty,
            q.current.default_mark,
            [t.name for t in q.tags],
            q.category.path,
        )
        for q in created
    ]
    after = [
        (
            p.content.type,
            p.content.stem_md,
            p.content.definition,
            p.content.explanation_md,
            p.content.difficulty,
            p.content.default_mark,
            p.tags,
            p.category_path,
        )
        for p in again.questions
    ]
    assert after == before
    assert again.duplicates == {p.line for p in again.questions}  # all already in the bank


def test_round_trip_aiken(db):
    created = import_questions(AIKEN.encode(), "aiken", "党史")
    again = aiken.parse(aiken.export(created), "党史")
    assert [(q.content.stem_md, q.content.definition) for q in again.questions] == [
        (q.current.stem_md, q.current.definition) for q in created
    ]


def test_formula_cells_are_neutralised_and_restored(db):
    rows = [SHEET[0], ["单选", "-1 的绝对值是多少？", "1", "@无", "", "", "A", "", 1, 1, "", ""]]
    created = import_questions(_xlsx(rows), "xlsx", "算术")
    csv_text = spreadsheet.export(created, "csv").decode("utf-8-sig")
    assert "'-1 的绝对值" in csv_text
    assert "'@无" in csv_text
    again = preview(spreadsheet.export(created, "csv"), "csv")
    assert again.questions[0].content.stem_md == "-1 的绝对值是多少？"
    assert again.questions[0].content.definition["options"][1]["text"] == "@无"

"""The Excel (.xlsx) and CSV template: one question per row, Chinese or English headers.

| 题型 type | 题干 stem | 选项A…选项H option_a…option_h | 答案 answer | 误差 tolerance |
| 单位 units | 计分 scoring | 解析 explanation | 难度 difficulty | 分值 mark | 标签 tags |
| 分类 category |

Every type: 单选 single_choice, 多选 multiple_choice, 判断 true_false, 填空 fill_blank, 数值
numerical, 匹配 matching, 简答 short_answer; how each writes its answer is in
``sheet_answers``. In a fill-in stem, write blanks as {{1}}, {{2}} or as ____ / （ ）, which
become numbered blanks. Rows are read one at a time within the limits of ``sheets``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask_babel import gettext as _

from lms.core.errors import ValidationError
from lms.core.spreadsheets import FORMULA_STARTS, table_bytes
from question_bank.formats.common import MAX_CELL_CHARS, ParsedQuestion, ParseResult
from question_bank.formats.sheet_answers import LETTERS, cannot_write, cells_of, definition_of
from question_bank.formats.sheets import read_rows
from question_bank.services.questions import QuestionContent

COLUMNS = [
    ("题型", "type"),
    ("题干", "stem"),
    *[(f"选项{x}", f"option_{x.lower()}") for x in LETTERS],
    ("答案", "answer"),
    ("误差", "tolerance"),
    ("单位", "units"),
    ("计分", "scoring"),
    ("解析", "explanation"),
    ("难度", "difficulty"),
    ("分值", "mark"),
    ("标签", "tags"),
    ("分类", "category"),
]
HEADERS_ZH = [zh for zh, _key in COLUMNS]
KEYS = [key for _zh, key in COLUMNS]
ALIASES = {
    **dict(COLUMNS),
    **{key: key for key in KEYS},
    **{x: f"option_{x.lower()}" for x in LETTERS},
    "question": "stem",
    "题目": "stem",
    "正确答案": "answer",
    "分数": "mark",
    "允许误差": "tolerance",
}
TYPE_NAMES = {
    "single_choice": "单选",
    "multiple_choice": "多选",
    "true_false": "判断",
    "fill_blank": "填空",
    "numerical": "数值",
    "matching": "匹配",
    "short_answer": "简答",
}
TYPES = {
    **{name: key for key, name in TYPE_NAMES.items()},
    **{name + "题": key for key, name in TYPE_NAMES.items()},
    "问答": "short_answer",
    "连线": "matching",
    "连线题": "matching",
}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Our exports neutralise formula-like text with an apostrophe; take it off again.
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def _columns(header: list[str], result: ParseResult) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = ALIASES.get(title.strip()) or ALIASES.get(title.strip().lower())
        if title and key is None:
            result.add_problem(1, _("unknown column “%(title)s”", title=title), row=True)
        elif key:
            columns[key] = index
    for required in ("type", "stem", "answer"):
        if required not in columns:
            result.add_problem(1, _("missing column “%(name)s”", name=required), row=True)
    return columns


def parse(data: bytes, category_path: str, fmt: str = "xlsx") -> ParseResult:
    result = ParseResult()
    columns: dict[str, int] | None = None
    for number, raw in read_rows(data, fmt):
        row = [_cell(c) for c in raw]
        if columns is None:
            if not any(row):
                continue  # blank lines above the header
            columns = _columns(row, result)
            if result.problems:
                return result
            continue
        if any(row):
            values = {key: (row[i] if i < len(row) else "") for key, i in columns.items()}
            _row(number, values, category_path, result)
    if columns is None:
        raise ValidationError(_("The file is empty."))
    if not result.questions and not result.problems:
        result.add_problem(1, _("the file has a header row but no questions"), row=True)
    return result


def _row(number: int, values: dict[str, str], category_path: str, result: ParseResult) -> None:
    raw_type = values.get("type", "")
    kind = TYPES.get(raw_type) or (raw_type if raw_type in TYPE_NAMES else None)
    if kind is None:
        result.add_problem(number, _("unknown question type “%(type)s”", type=raw_type), row=True)
        return
    try:
        definition, stem = definition_of(kind, values, values.get("stem", ""))
        difficulty = int(float(values.get("difficulty") or 3))
        mark = float(values.get("mark") or 1)
    except ValidationError as error:
        result.add_problem(number, error.message, row=True)
        return
    except ValueError:
        result.add_problem(number, _("difficulty and mark must be numbers"), row=True)
        return
    tags = [t.strip() for t in re.split(r"[,，;；]", values.get("tags", "")) if t.strip()]
    content = QuestionContent(
        type=kind,
        stem_md=stem,
        definition=definition,
        explanation_md=values.get("explanation", ""),
        difficulty=difficulty,
        default_mark=mark,
    )
    result.accept(
        ParsedQuestion(number, values.get("category") or category_path, content, tags), row=True
    )


def row_of(question) -> list[object]:
    """A bank question as a row under ``HEADERS_ZH``."""
    version = question.current
    cells = {
        "type": TYPE_NAMES[version.type],
        "stem": version.stem_md,
        **{
            f"option_{x.lower()}": o["text"]
            for x, o in zip(LETTERS, version.definition.get("options", []), strict=False)
        },
        **cells_of(version.type, version.definition),
        "explanation": version.explanation_md,
        "difficulty": version.difficulty,
        "mark": version.default_mark,
        "tags": ", ".join(t.name for t in question.tags),
        "category": question.category.path,
    }
    return [cells.get(key, "") for key in KEYS]


def cannot_export(question) -> str | None:
    """Why a row could not hold the question as it is, if it cannot."""
    version = question.current
    reason = cannot_write(version.type, version.definition)
    if reason is None and any(
        isinstance(cell, str) and len(cell) > MAX_CELL_CHARS for cell in row_of(question)
    ):
        reason = _("a text is longer than a spreadsheet cell holds")
    return reason


def export(questions: Sequence, fmt: str = "xlsx") -> bytes:
    """Rows under the Chinese header, as CSV (UTF-8 with BOM) or XLSX, formula-safe; the caller
    leaves out what ``cannot_export`` refuses."""
    return export_rows([row_of(q) for q in questions], fmt)


def export_rows(rows: list[list[object]], fmt: str = "xlsx") -> bytes:
    return table_bytes(fmt, HEADERS_ZH, rows)


EXAMPLES = [
    {"type": "单选", "stem": "中国共产党第一次全国代表大会在哪里召开？", "option_a": "北京",
     "option_b": "上海", "option_c": "广州", "answer": "B", "explanation": "一大在上海召开。",
     "difficulty": 2, "mark": 1, "tags": "党史", "category": "党史/建党"},
    {"type": "多选", "stem": "下列属于新民主主义革命时期的会议有：", "option_a": "遵义会议",
     "option_b": "古田会议", "option_c": "十一届三中全会", "answer": "AB", "scoring": "部分",
     "difficulty": 3, "mark": 2, "tags": "党史", "category": "党史/建党"},
    {"type": "判断", "stem": "遵义会议于1935年召开。", "answer": "对", "difficulty": 1,
     "mark": 1, "category": "党史/建党"},
    {"type": "填空", "stem": "中国共产党成立于____年，一大在（ ）召开。",
     "answer": "1921；上海|上海市", "difficulty": 2, "mark": 2, "category": "党史/建党"},
    {"type": "数值", "stem": "中国共产党成立于公元多少年？", "answer": "1921", "tolerance": "0",
     "units": "年", "difficulty": 1, "mark": 1, "category": "党史/建党"},
    {"type": "匹配", "stem": "将会议与召开年份连线。",
     "answer": "遵义会议 = 1935\n古田会议 = 1929\n= 1949", "difficulty": 3, "mark": 3,
     "category": "党史/建党"},
    {"type": "简答", "stem": "谈谈学习党史的体会。", "answer": "要点：……", "difficulty": 3,
     "mark": 5, "category": "党史/建党"},
]  # fmt: skip


def template(fmt: str) -> bytes:
    """The downloadable template: the Chinese header and one example row of each type."""
    return export_rows([[example.get(key, "") for key in KEYS] for example in EXAMPLES], fmt)

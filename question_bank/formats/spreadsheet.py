"""The Excel (.xlsx) and CSV template: one question per row, Chinese or English headers.

| 题型 type | 题干 stem | 选项A…选项H option_a…option_h | 答案 answer | 解析 explanation |
| 难度 difficulty | 分值 mark | 标签 tags | 分类 category |

Types: 单选 single_choice, 多选 multiple_choice, 判断 true_false, 填空 fill_blank, 简答
short_answer. Answers: a letter (B) or letters (ACD) for choices; 对/错 (or 正确/错误, T/F,
true/false, √/×) for true/false; for fill-in, blanks separated by ";" (or "；") and accepted
alternatives of a blank by "|"; the reference answer for short answers. In a fill-in stem, write
blanks as {{1}}, {{2}} or as ____ / （ ）, which become numbered blanks.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from flask_babel import gettext as _
from openpyxl import Workbook, load_workbook

from lms.core.errors import ValidationError
from lms.core.spreadsheets import FORMULA_STARTS, safe_cell
from lms.core.uploads import TooLargeError
from question_bank.formats.common import MAX_BYTES, ParsedQuestion, ParseResult, decode_text
from question_bank.services.questions import QuestionContent

LETTERS = "ABCDEFGH"
HEADERS_ZH = [
    "题型",
    "题干",
    *[f"选项{x}" for x in LETTERS],
    "答案",
    "解析",
    "难度",
    "分值",
    "标签",
    "分类",
]
KEYS = [
    "type",
    "stem",
    *[f"option_{x.lower()}" for x in LETTERS],
    "answer",
    "explanation",
    "difficulty",
    "mark",
    "tags",
    "category",
]
ALIASES = {
    **{zh: key for zh, key in zip(HEADERS_ZH, KEYS, strict=True)},
    **{key: key for key in KEYS},
    **{x: f"option_{x.lower()}" for x in LETTERS},
    "question": "stem",
    "题目": "stem",
    "正确答案": "answer",
    "分数": "mark",
}
TYPES = {
    "单选": "single_choice",
    "单选题": "single_choice",
    "多选": "multiple_choice",
    "多选题": "multiple_choice",
    "判断": "true_false",
    "判断题": "true_false",
    "填空": "fill_blank",
    "填空题": "fill_blank",
    "简答": "short_answer",
    "简答题": "short_answer",
    "问答": "short_answer",
}
TYPE_NAMES = {
    "single_choice": "单选",
    "multiple_choice": "多选",
    "true_false": "判断",
    "fill_blank": "填空",
    "short_answer": "简答",
}
TRUE = {"对", "正确", "是", "t", "true", "√", "✓", "y", "yes"}
FALSE = {"错", "错误", "否", "f", "false", "×", "✗", "n", "no"}
BLANK_MARKS = re.compile(r"_{3,}|（\s*）|\(\s*\)")


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


def read_rows(data: bytes, fmt: str) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise TooLargeError(_("The file is larger than %(n)d MB.", n=MAX_BYTES // 1024 // 1024))
    if fmt == "csv":
        return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(decode_text(data)))]
    if not data:
        raise ValidationError(_("The file is empty."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ValidationError(_("This is not an Excel .xlsx file.")) from error
    rows = [[_cell(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    return rows


def _number_blanks(stem: str) -> str:
    counter = iter(range(1, 1000))
    return BLANK_MARKS.sub(lambda _m: "{{" + str(next(counter)) + "}}", stem)


def _definition(kind: str, values: dict[str, str], stem: str) -> tuple[dict, str]:
    answer = values.get("answer", "")
    if kind in ("single_choice", "multiple_choice"):
        options = [values.get(f"option_{x.lower()}", "") for x in LETTERS]
        while options and not options[-1]:
            options.pop()
        letters = [c for c in re.sub(r"[^A-Za-z]", "", answer).upper()]
        if not letters:
            raise ValidationError(_("the answer must name the correct option letters"))
        if any(LETTERS.index(x) >= len(options) if x in LETTERS else True for x in letters):
            raise ValidationError(_("the answer names an option that is empty or missing"))
        listed = [{"id": chr(ord("a") + i), "text": t} for i, t in enumerate(options)]
        ids = [x.lower() for x in dict.fromkeys(letters)]
        if kind == "single_choice":
            if len(ids) != 1:
                raise ValidationError(_("a single-choice question has one answer letter"))
            return {"options": listed, "correct": ids[0]}, stem
        return {"options": listed, "correct": ids}, stem
    if kind == "true_false":
        word = answer.strip().casefold()
        if word not in TRUE | FALSE:
            raise ValidationError(_("the answer of a true/false question is 对 or 错"))
        return {"correct": word in TRUE}, stem
    if kind == "fill_blank":
        stem = stem if "{{1}}" in stem else _number_blanks(stem)
        blanks = [
            [a.strip() for a in part.split("|") if a.strip()]
            for part in re.split(r"[;；]", answer)
            if part.strip()
        ]
        return {"blanks": blanks}, stem
    return {"reference": answer}, stem


def parse(data: bytes, category_path: str, fmt: str = "xlsx") -> ParseResult:
    result = ParseResult()
    rows = read_rows(data, fmt)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationError(_("The file is empty."))
    columns: dict[str, int] = {}
    for index, title in enumerate(rows[0]):
        key = ALIASES.get(title.strip()) or ALIASES.get(title.strip().lower())
        if title and key is None:
            result.add_problem(1, _("unknown column “%(title)s”", title=title), row=True)
        elif key:
            columns[key] = index
    for required in ("type", "stem", "answer"):
        if required not in columns:
            result.add_problem(1, _("missing column “%(name)s”", name=required), row=True)
    if result.problems:
        return result
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        values = {key: (row[i] if i < len(row) else "") for key, i in columns.items()}
        _row(number, values, category_path, result)
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
        definition, stem = _definition(kind, values, values.get("stem", ""))
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


def _answer(version) -> str:
    d = version.definition
    if version.type in ("single_choice", "multiple_choice"):
        ids = [o["id"] for o in d["options"]]
        correct = d["correct"] if isinstance(d["correct"], list) else [d["correct"]]
        return "".join(LETTERS[ids.index(c)] for c in correct)
    if version.type == "true_false":
        return "对" if d["correct"] else "错"
    if version.type == "fill_blank":
        return "；".join("|".join(answers) for answers in d["blanks"])
    return d.get("reference", "")


def rows_of(questions: list) -> list[list[object]]:
    rows = []
    for question in questions:
        version = question.current
        if version.type not in TYPE_NAMES:
            continue
        options = [o["text"] for o in version.definition.get("options", [])]
        rows.append(
            [
                TYPE_NAMES[version.type],
                version.stem_md,
                *(options + [""] * (len(LETTERS) - len(options))),
                _answer(version),
                version.explanation_md,
                version.difficulty,
                version.default_mark,
                ", ".join(t.name for t in question.tags),
                question.category.path,
            ]
        )
    return rows


def export(questions: list, fmt: str = "xlsx") -> bytes:
    return export_rows(rows_of(questions), fmt)


def export_rows(raw_rows: list[list[object]], fmt: str = "xlsx") -> bytes:
    """Rows under the Chinese header, as CSV (UTF-8 with BOM) or XLSX, formula-safe."""
    rows = [[safe_cell(v) for v in row] for row in raw_rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADERS_ZH)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS_ZH)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

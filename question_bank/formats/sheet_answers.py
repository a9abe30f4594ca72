"""A question's answer in the cells of one spreadsheet row, read and written, type by type.

- 单选 / 多选: 答案 names the option letters (B, ACD); 计分 of a multiple choice is 全对 (all or
  nothing) or 部分 (partial credit; 部分:0.5 takes half a share per wrong pick).
- 判断: 答案 is 对 or 错 (正确/错误, T/F, √/×).
- 填空: blanks separated by ";" or "；", the accepted alternatives of a blank by "|".
- 数值: 答案 is the number (or several, separated by "；"); 误差 one tolerance or one per
  number; 单位 the accepted units (m，米).
- 匹配: one pair a line (or separated by "；"), 左 = 右 (or →); "= 右" adds a right-hand item
  that matches nothing.
- 简答: 答案 is the reference answer for the grader.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from lms.core.errors import ValidationError

LETTERS = "ABCDEFGH"
TRUE = {"对", "正确", "是", "t", "true", "√", "✓", "y", "yes"}
FALSE = {"错", "错误", "否", "f", "false", "×", "✗", "n", "no"}
BLANK_MARKS = re.compile(r"_{3,}|（\s*）|\(\s*\)")
LIST = re.compile(r"[;；]")
UNITS = re.compile(r"[,，;；|、]")
PAIR_MARKS = ("→", "->", "=")
SCORING = re.compile(r"^(全对|all|部分|partial)\s*(?:[:：]\s*(\d+(?:\.\d+)?))?$", re.IGNORECASE)


def _number_blanks(stem: str) -> str:
    counter = iter(range(1, 1000))
    return BLANK_MARKS.sub(lambda _m: "{{" + str(next(counter)) + "}}", stem)


def _choice(kind: str, values: dict[str, str]) -> dict[str, Any]:
    options = [values.get(f"option_{x.lower()}", "") for x in LETTERS]
    while options and not options[-1]:
        options.pop()
    letters = list(re.sub(r"[^A-Za-z]", "", values.get("answer", "")).upper())
    if not letters:
        raise ValidationError(_("the answer must name the correct option letters"))
    if any(LETTERS.index(x) >= len(options) if x in LETTERS else True for x in letters):
        raise ValidationError(_("the answer names an option that is empty or missing"))
    listed = [{"id": chr(ord("a") + i), "text": t} for i, t in enumerate(options)]
    ids = [x.lower() for x in dict.fromkeys(letters)]
    if kind == "single_choice":
        if len(ids) != 1:
            raise ValidationError(_("a single-choice question has one answer letter"))
        return {"options": listed, "correct": ids[0]}
    definition: dict[str, Any] = {"options": listed, "correct": ids}
    scoring = values.get("scoring", "").strip()
    if scoring:
        match = SCORING.match(scoring)
        if match is None:
            raise ValidationError(_("the scoring of a multiple-choice question is 全对 or 部分"))
        partial = match.group(1).lower() in ("部分", "partial")
        definition["scoring"] = "partial" if partial else "all"
        if match.group(2):
            definition["penalty"] = float(match.group(2))
    return definition


def _numbers(text: str, what: str) -> list[float]:
    try:
        return [float(part.strip()) for part in LIST.split(text) if part.strip()]
    except ValueError as error:
        raise ValidationError(
            _("the %(what)s of a numerical question must be numbers", what=what)
        ) from error


def _numerical(values: dict[str, str]) -> dict[str, Any]:
    answers = _numbers(values.get("answer", ""), _("answer"))
    if not answers:
        raise ValidationError(_("the answer of a numerical question is a number"))
    tolerances = _numbers(values.get("tolerance", ""), _("tolerance")) or [0.0]
    if len(tolerances) == 1:
        tolerances *= len(answers)
    if len(tolerances) != len(answers):
        raise ValidationError(_("give one tolerance, or one for each answer"))
    units = [u.strip() for u in UNITS.split(values.get("units", "")) if u.strip()]
    return {
        "answers": [{"value": v, "tolerance": t} for v, t in zip(answers, tolerances, strict=True)],
        "units": units,
    }


def _matching(values: dict[str, str]) -> dict[str, Any]:
    text = values.get("answer", "")
    lines = text.splitlines() if "\n" in text.strip() else LIST.split(text)
    pairs, extra = [], []
    for line in (x.strip() for x in lines):
        if not line:
            continue
        mark = next((m for m in PAIR_MARKS if m in line), None)
        if mark is None:
            raise ValidationError(_("write each pair of a matching question as “left = right”"))
        left, _sep, right = (part.strip() for part in line.partition(mark))
        if left:
            pairs.append({"id": f"p{len(pairs) + 1}", "left": left, "right": right})
        else:
            extra.append({"id": f"d{len(extra) + 1}", "text": right})
    return {"pairs": pairs, "distractors": extra} if extra else {"pairs": pairs}


def definition_of(kind: str, values: dict[str, str], stem: str) -> tuple[dict, str]:
    """The type's definition (and the stem, its fill-in blanks numbered) from a row."""
    answer = values.get("answer", "")
    if kind in ("single_choice", "multiple_choice"):
        return _choice(kind, values), stem
    if kind == "true_false":
        word = answer.strip().casefold()
        if word not in TRUE | FALSE:
            raise ValidationError(_("the answer of a true/false question is 对 or 错"))
        return {"correct": word in TRUE}, stem
    if kind == "fill_blank":
        stem = stem if "{{1}}" in stem else _number_blanks(stem)
        blanks = [
            [a.strip() for a in part.split("|") if a.strip()]
            for part in LIST.split(answer)
            if part.strip()
        ]
        return {"blanks": blanks}, stem
    if kind == "numerical":
        return _numerical(values), stem
    if kind == "matching":
        return _matching(values), stem
    return {"reference": answer}, stem


def _pair_line(left: str, right: str) -> str:
    """ "left = right", or with "→" when "=" would be read at the wrong place."""
    both = left + right
    mark = "=" if "→" not in both and "->" not in both and "=" not in left else "→"
    return f"{left} {mark} {right}" if left else f"{mark} {right}"


def _scoring(definition: dict[str, Any]) -> str:
    if definition.get("scoring", "all") == "all":
        return "全对"
    penalty = definition.get("penalty", 1.0)
    return "部分" if penalty == 1.0 else f"部分:{penalty:g}"


def cells_of(kind: str, definition: dict[str, Any]) -> dict[str, object]:
    """The answer cells of a row (answer, and tolerance, units and scoring where they apply)."""
    d = definition
    if kind in ("single_choice", "multiple_choice"):
        ids = [o["id"] for o in d["options"]]
        correct = d["correct"] if isinstance(d["correct"], list) else [d["correct"]]
        cells: dict[str, object] = {"answer": "".join(LETTERS[ids.index(c)] for c in correct)}
        if kind == "multiple_choice":
            cells["scoring"] = _scoring(d)
        return cells
    if kind == "true_false":
        return {"answer": "对" if d["correct"] else "错"}
    if kind == "fill_blank":
        return {"answer": "；".join("|".join(answers) for answers in d["blanks"])}
    if kind == "numerical":
        tolerances = [a["tolerance"] for a in d["answers"]]
        if len(set(tolerances)) == 1:
            tolerances = tolerances[:1]
        return {
            "answer": "；".join(repr(a["value"]) for a in d["answers"]),
            "tolerance": "；".join(repr(t) for t in tolerances),
            "units": "，".join(d.get("units", [])),
        }
    if kind == "matching":
        lines = [_pair_line(p["left"], p["right"]) for p in d["pairs"]]
        lines += [_pair_line("", x["text"]) for x in d.get("distractors", [])]
        return {"answer": "\n".join(lines)}
    return {"answer": d.get("reference", "")}


def cannot_write(kind: str, definition: dict[str, Any]) -> str | None:
    """Why a row could not hold this question faithfully, if it cannot."""
    d = definition
    if kind in ("single_choice", "multiple_choice") and len(d["options"]) > len(LETTERS):
        return _("more than %(n)d options", n=len(LETTERS))
    if kind == "fill_blank" and any(
        LIST.search(a) or "|" in a for answers in d["blanks"] for a in answers
    ):
        return _("an accepted answer contains “;” or “|”")
    if kind == "numerical" and any(UNITS.search(u) for u in d.get("units", [])):
        return _("a unit contains a separator")
    if kind == "matching":
        texts = [p["right"] for p in d["pairs"]] + [x["text"] for x in d.get("distractors", [])]
        lefts = [p["left"] for p in d["pairs"]]
        if any("\n" in t for t in texts + lefts) or any("→" in left for left in lefts):
            return _("a matching text contains a line break, or “→” on its left side")
    return None

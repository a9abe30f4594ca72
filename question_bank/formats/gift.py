"""GIFT, as Moodle documents it: ``::title:: [format] stem {answers}`` blocks, a blank line
between questions.

Supported: ``$CATEGORY:``, ``//`` comments, titles, the escapes ``\\~ \\= \\# \\{ \\} \\:``,
text format markers, true/false (``{T}``, ``{FALSE#feedback}``), multiple choice with ``=`` and
``~`` and weights (``~%50%``, ``~%-100%``), short answers (``{=a =b}``, or ``{One}`` for a single
one, imported as fill in the blank), missing-word questions (text after the braces), numerical
answers (``{#3.14:0.01}``, ``{#1..5}``, ``{#=3:0.5 ~#feedback for a wrong answer}``), matching
(``{=a -> b}``, with extra wrong right-hand items ``= -> c``), essays (``{}``), per-answer
feedback (``#``) and general feedback (``####``, kept as the explanation). Descriptions (text
without answers) are skipped with a warning: the platform has no reading-passage items. A ``{``
not closed before the blank line that ends its question is reported with its line; anything
else is reported with its line too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from flask_babel import gettext as _

from question_bank.formats.common import ParsedQuestion, ParseResult, decode_text
from question_bank.formats.moodle_grades import check_positive_sum, checked_grade
from question_bank.services.questions import QuestionContent

ESCAPES = {
    "\\~": "\x01",
    "\\=": "\x02",
    "\\#": "\x03",
    "\\{": "\x04",
    "\\}": "\x05",
    "\\:": "\x06",
    "\\n": "\n",
}
UNESCAPE = {"\x01": "~", "\x02": "=", "\x03": "#", "\x04": "{", "\x05": "}", "\x06": ":"}
FORMAT = re.compile(r"^\[(html|markdown|plain|moodle)\]\s*", re.IGNORECASE)
TITLE = re.compile(r"^::(.*?)::\s*", re.DOTALL)
WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
TAG = re.compile(r"<[^>]+>")


def _escape(text: str) -> str:
    for escape, mark in ESCAPES.items():
        text = text.replace(escape, mark)
    return text


def _plain(text: str) -> str:
    for mark, char in UNESCAPE.items():
        text = text.replace(mark, char)
    return text.strip()


@dataclass
class _Block:
    line: int  # the first line of the question
    text: str
    open_brace: int | None = None  # the line of a "{" the block never closes


def _blocks(text: str) -> list[_Block]:
    """Question texts split on blank lines, as Moodle splits them, braces or not."""
    blocks: list[_Block] = []
    current: list[str] = []
    start = depth = 0
    brace: int | None = None

    def close() -> None:
        if current:
            blocks.append(_Block(start, "\n".join(current), brace if depth > 0 else None))

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if depth == 0 and stripped.startswith("//"):
            continue
        if not stripped:
            close()
            current, depth, brace = [], 0, None
            continue
        if not current:
            start = number
        current.append(line)
        for char in line:
            if char == "{":
                if depth == 0:
                    brace = number
                depth += 1
            elif char == "}" and depth > 0:
                depth -= 1
    close()
    return blocks


def parse(data: bytes, category_path: str) -> ParseResult:
    result = ParseResult()
    category = category_path
    for block in _blocks(_escape(decode_text(data))):
        text = block.text.strip()
        if text.upper().startswith("$CATEGORY:"):
            path = text.split(":", 1)[1].strip()
            path = re.sub(r"^\$(course|system|module|coursecat)\$/", "", path)
            path = re.sub(r"^top/", "", path)
            category = _plain(path) or category_path
            continue
        if block.open_brace is not None:
            result.add_problem(
                block.open_brace,
                _("this “{” is not closed before the blank line that ends the question"),
            )
            continue
        if "{" not in text:
            result.add_warning(
                block.line,
                _("a description (text without answers) was skipped: it is not a question"),
            )
            continue
        try:
            content = _question(text, partial(result.add_warning, block.line))
        except ValueError as error:
            result.add_problem(block.line, str(error))
            continue
        result.accept(ParsedQuestion(block.line, category, content))
    if not result.questions and not result.problems:
        result.add_problem(1, _("No question was found."))
    return result


def _question(block: str, warn: Callable[[str], None]) -> QuestionContent:
    title = ""
    match = TITLE.match(block)
    if match:
        title, block = _plain(match.group(1)), block[match.end() :]
    html = False
    match = FORMAT.match(block)
    if match:
        html = match.group(1).lower() in ("html", "moodle")
        block = block[match.end() :]
    opening, closing = block.find("{"), block.rfind("}")
    before, answers, after = block[:opening], block[opening + 1 : closing], block[closing + 1 :]
    explanation = ""
    if "####" in answers:
        answers, explanation = answers.split("####", 1)
    stem_before, stem_after = _plain(before), _plain(after)
    if html:
        stem_before, stem_after = TAG.sub("", stem_before), TAG.sub("", stem_after)
    kind, definition, stem = _answers(answers.strip(), stem_before, stem_after, warn)
    return QuestionContent(
        type=kind,
        stem_md=stem,
        definition=definition,
        explanation_md=_plain(explanation),
        title=title,
    )


def _join(before: str, after: str, marker: str) -> str:
    """The stem, with a blank where the answers stood when text follows them."""
    return f"{before} {marker} {after}".strip() if after else before


def _fill_blank(accepted: list[str], before: str, after: str) -> tuple[str, dict, str]:
    stem = f"{before} {{{{1}}}} {after}".strip() if after else f"{before}\n\n{{{{1}}}}"
    return "fill_blank", {"blanks": [[a for a in accepted if a]]}, stem


def _answers(  # noqa: PLR0911 - one return per kind of answer block
    answers: str, before: str, after: str, warn: Callable[[str], None]
) -> tuple[str, dict, str]:
    if not answers:
        return "short_answer", {"reference": ""}, _join(before, after, "____")
    word = answers.split("#", 1)[0].strip().upper()
    if word in ("T", "TRUE", "F", "FALSE"):
        return "true_false", {"correct": word.startswith("T")}, _join(before, after, "____")
    if answers.startswith("#"):
        return "numerical", _numerical(answers[1:], warn), _join(before, after, "____")
    if not answers.startswith(("=", "~")):  # {One}: a single short answer needs no "="
        return _fill_blank([_plain(answers.split("#", 1)[0])], before, after)
    parts = re.findall(r"([=~])([^=~]*)", answers)
    if all(sign == "=" and "->" in text for sign, text in parts):
        return "matching", _matching(parts), _join(before, after, "____")
    if all(sign == "=" for sign, _text in parts):
        accepted = [_plain(WEIGHT.sub("", text.split("#")[0])) for _sign, text in parts]
        return _fill_blank(accepted, before, after)
    return _choices(parts, _join(before, after, "____"))


def _matching(parts: list[tuple[str, str]]) -> dict:
    pairs, extra = [], []
    for _sign, text in parts:
        left, right = (_plain(side.split("#")[0]) for side in text.split("->", 1))
        if left:
            pairs.append({"id": f"p{len(pairs) + 1}", "left": left, "right": right})
        else:  # "= -> Chat": a right-hand item that matches nothing
            extra.append({"id": f"d{len(extra) + 1}", "text": right})
    return {"pairs": pairs, "distractors": extra} if extra else {"pairs": pairs}


def _choices(parts: list[tuple[str, str]], stem: str) -> tuple[str, dict, str]:
    """``=right ~wrong`` answers, with optional weights and per-answer feedback."""
    options, correct, weights = [], [], []
    for number, (sign, raw) in enumerate(parts):
        text, _sep, feedback = raw.partition("#")
        text = text.strip()
        weight = WEIGHT.match(text)
        if weight:
            weights.append(checked_grade(weight.group(1)))
            text = text[weight.end() :]
        option_id = chr(ord("a") + number)
        option = {"id": option_id, "text": _plain(text)}
        if _plain(feedback):
            option["feedback"] = _plain(feedback)
        options.append(option)
        if sign == "=" or (weight and float(weight.group(1)) > 0):
            correct.append(option_id)
    if weights and len(weights) == len(parts):  # Moodle's multiple-answer form: every grade given
        check_positive_sum(weights)
    if weights or len(correct) > 1:
        return (
            "multiple_choice",
            {"options": options, "correct": correct, "scoring": "partial", "penalty": 1.0},
            stem,
        )
    if not correct:
        raise ValueError(_("no answer is marked correct with ="))
    return "single_choice", {"options": options, "correct": correct[0]}, stem


def _numerical(text: str, warn: Callable[[str], None]) -> dict:
    """``=value:tolerance``, ``=low..high``, ``=%50%value`` (partial credit, not kept) and
    ``~#feedback`` for any wrong answer (nothing to keep: the number is simply wrong)."""
    answers = []
    parts = re.findall(r"([=~]?)([^=~]*)", text)
    for sign, part in parts:
        value = part.split("#")[0].strip()
        if sign == "~" or not value:
            continue
        weight = WEIGHT.match(value)
        value = value[weight.end() :].strip() if weight else value
        try:
            if ".." in value:
                low, high = (float(x) for x in value.split("..", 1))
                answer = {"value": (low + high) / 2, "tolerance": abs(high - low) / 2}
            else:
                number, _sep, tolerance = value.partition(":")
                answer = {"value": float(number), "tolerance": float(tolerance or 0)}
        except ValueError as error:
            raise ValueError(_("“%(text)s” is not a GIFT number", text=_plain(value))) from error
        if weight and float(weight.group(1)) < 100:
            warn(
                _(
                    "the answer %(value)s is worth %(weight)s %%: only fully right numbers are "
                    "kept, so it was left out",
                    value=_plain(value),
                    weight=weight.group(1),
                )
            )
            continue
        answers.append(answer)
    return {"answers": answers, "units": []}


def export(questions: list) -> bytes:
    """Questions as GIFT, with their categories; numbers and texts escaped."""
    out, category = [], None
    for question in questions:
        version = question.current
        if question.category.path != category:
            category = question.category.path
            out.append(f"$CATEGORY: {category}\n")
        out.append(_not_a_comment(_write(version)) + "\n")
    return "\n".join(out).encode()


def _feedback(option: dict) -> str:
    return f"#{_e(option['feedback'])}" if option.get("feedback") else ""


def _e(text: str) -> str:
    for char in "\\~=#{}:":
        text = text.replace(char, "\\" + char)
    return text.replace("\n", "\\n")


def _not_a_comment(text: str) -> str:
    """A question whose text starts with ``//`` would read back as a comment: mark its format."""
    return f"[markdown]{text}" if text.lstrip().startswith("//") else text


def _write(version) -> str:  # noqa: PLR0911 - a QuestionVersion, one return per type
    d, title = version.definition, f"::{_e(version.title)}::" if version.title else ""
    stem = _e(version.stem_md)
    feedback = f"####{_e(version.explanation_md)}" if version.explanation_md else ""
    if version.type == "true_false":
        return f"{title}{stem}{{{'TRUE' if d['correct'] else 'FALSE'}{feedback}}}"
    if version.type == "single_choice":
        options = " ".join(
            ("=" if o["id"] == d["correct"] else "~") + _e(o["text"]) + _feedback(o)
            for o in d["options"]
        )
        return f"{title}{stem}{{{options}{feedback}}}"
    if version.type == "multiple_choice":
        share = 100 / len(d["correct"])
        wrong = -100 / max(1, len(d["options"]) - len(d["correct"]))
        options = " ".join(
            f"~%{share if o['id'] in d['correct'] else wrong:g}%{_e(o['text'])}{_feedback(o)}"
            for o in d["options"]
        )
        return f"{title}{stem}{{{options}{feedback}}}"
    if version.type == "fill_blank" and len(d["blanks"]) == 1:
        before, _sep, after = version.stem_md.partition("{{1}}")
        accepted = " ".join("=" + _e(a) for a in d["blanks"][0])
        return f"{title}{_e(before.strip())}{{{accepted}{feedback}}}{_e(after)}"
    if version.type == "numerical":
        answers = " ".join(f"={a['value']!r}:{a['tolerance']!r}" for a in d["answers"])
        return f"{title}{stem}{{#{answers}{feedback}}}"
    if version.type == "matching":
        pairs = " ".join(
            [f"={_e(p['left'])} -> {_e(p['right'])}" for p in d["pairs"]]
            + [f"= -> {_e(x['text'])}" for x in d.get("distractors", [])]
        )
        return f"{title}{stem}{{{pairs}{feedback}}}"
    if version.type == "short_answer":
        return f"{title}{stem}{{{feedback}}}"
    return f"// question {version.question_id}: several blanks cannot be written in GIFT"

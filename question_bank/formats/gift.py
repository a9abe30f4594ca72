"""GIFT, as Moodle documents it: ``::title:: [format] stem {answers}`` blocks.

Supported: ``$CATEGORY:``, ``//`` comments, titles, the escapes ``\\~ \\= \\# \\{ \\} \\:``,
text format markers, true/false (``{T}``, ``{FALSE#feedback}``), multiple choice with ``=`` and
``~`` and weights (``~%50%``, ``~%-100%``), short answers (``{=a =b}``, imported as fill in the
blank), missing-word questions (text after the braces), numerical answers (``{#3.14:0.01}``,
``{#1..5}``, ``{#=3:0.5 =%50%3:1}``), matching (``{=a -> b}``), essays (``{}``), per-answer
feedback (``#``, kept nowhere but not an error) and general feedback (``####``, kept as the
explanation). Anything else is reported with its line.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from question_bank.formats.common import ParsedQuestion, ParseResult, decode_text
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


def _blocks(text: str) -> list[tuple[int, str]]:
    """Question texts with their first line, split on blank lines outside braces."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = depth = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if depth == 0 and stripped.startswith("//"):
            continue
        if not stripped and depth == 0:
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
        depth += line.count("{") - line.count("}")
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def parse(data: bytes, category_path: str) -> ParseResult:
    result = ParseResult()
    category = category_path
    for line, raw in _blocks(_escape(decode_text(data))):
        block = raw.strip()
        if block.upper().startswith("$CATEGORY:"):
            path = block.split(":", 1)[1].strip()
            path = re.sub(r"^\$(course|system|module|coursecat)\$/", "", path)
            path = re.sub(r"^top/", "", path)
            category = _plain(path) or category_path
            continue
        try:
            content = _question(block)
        except ValueError as error:
            result.add_problem(line, str(error))
            continue
        result.accept(ParsedQuestion(line, category, content))
    if not result.questions and not result.problems:
        result.add_problem(1, _("No question was found."))
    return result


def _question(block: str) -> QuestionContent:
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
    if opening < 0 or closing < opening:
        raise ValueError(_("a question needs its answers in { }; descriptions are not imported"))
    before, answers, after = block[:opening], block[opening + 1 : closing], block[closing + 1 :]
    explanation = ""
    if "####" in answers:
        answers, explanation = answers.split("####", 1)
    stem_before, stem_after = _plain(before), _plain(after)
    if html:
        stem_before, stem_after = TAG.sub("", stem_before), TAG.sub("", stem_after)
    kind, definition, stem = _answers(answers.strip(), stem_before, stem_after)
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


def _answers(answers: str, before: str, after: str) -> tuple[str, dict, str]:
    if not answers:
        return "short_answer", {"reference": ""}, _join(before, after, "____")
    word = answers.split("#", 1)[0].strip().upper()
    if word in ("T", "TRUE", "F", "FALSE"):
        return "true_false", {"correct": word.startswith("T")}, _join(before, after, "____")
    if answers.startswith("#"):
        return "numerical", _numerical(answers[1:]), _join(before, after, "____")
    parts = re.findall(r"([=~])([^=~]*)", answers)
    if not parts:
        raise ValueError(_("these answers are not GIFT: “%(text)s”", text=_plain(answers)[:40]))
    if all(sign == "=" and "->" in text for sign, text in parts):
        pairs = []
        for number, (_sign, text) in enumerate(parts, start=1):
            left, right = text.split("->", 1)
            pairs.append(
                {
                    "id": f"p{number}",
                    "left": _plain(left.split("#")[0]),
                    "right": _plain(right.split("#")[0]),
                }
            )
        return "matching", {"pairs": pairs}, _join(before, after, "____")
    if all(sign == "=" for sign, _text in parts):
        accepted = [_plain(WEIGHT.sub("", text.split("#")[0])) for _sign, text in parts]
        stem = f"{before} {{{{1}}}} {after}".strip() if after else f"{before}\n\n{{{{1}}}}"
        return "fill_blank", {"blanks": [[a for a in accepted if a]]}, stem
    return _choices(parts, _join(before, after, "____"))


def _choices(parts: list[tuple[str, str]], stem: str) -> tuple[str, dict, str]:
    """``=right ~wrong`` answers, with optional weights and per-answer feedback."""
    options, correct, weighted = [], [], False
    for number, (sign, raw) in enumerate(parts):
        text, _sep, feedback = raw.partition("#")
        text = text.strip()
        weight = WEIGHT.match(text)
        if weight:
            weighted = True
            text = text[weight.end() :]
        option_id = chr(ord("a") + number)
        option = {"id": option_id, "text": _plain(text)}
        if _plain(feedback):
            option["feedback"] = _plain(feedback)
        options.append(option)
        if sign == "=" or (weight and float(weight.group(1)) > 0):
            correct.append(option_id)
    if weighted or len(correct) > 1:
        return (
            "multiple_choice",
            {"options": options, "correct": correct, "scoring": "partial", "penalty": 1.0},
            stem,
        )
    if not correct:
        raise ValueError(_("no answer is marked correct with ="))
    return "single_choice", {"options": options, "correct": correct[0]}, stem


def _numerical(text: str) -> dict:
    answers = []
    for part in [p for p in re.split(r"=", text) if p.strip()] or [text]:
        value = WEIGHT.sub("", part.split("#")[0].strip())
        try:
            if ".." in value:
                low, high = (float(x) for x in value.split("..", 1))
                answers.append({"value": (low + high) / 2, "tolerance": abs(high - low) / 2})
            else:
                number, _sep, tolerance = value.partition(":")
                answers.append({"value": float(number), "tolerance": float(tolerance or 0)})
        except ValueError as error:
            raise ValueError(_("“%(text)s” is not a GIFT number", text=value)) from error
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
        answers = " ".join(f"={a['value']:g}:{a['tolerance']:g}" for a in d["answers"])
        return f"{title}{stem}{{#{answers}{feedback}}}"
    if version.type == "matching":
        pairs = " ".join(f"={_e(p['left'])} -> {_e(p['right'])}" for p in d["pairs"])
        return f"{title}{stem}{{{pairs}{feedback}}}"
    if version.type == "short_answer":
        return f"{title}{stem}{{{feedback}}}"
    return f"// question {version.question_id}: several blanks cannot be written in GIFT"

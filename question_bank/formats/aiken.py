"""Aiken: a question line, options "A. text" or "A) text", then "ANSWER: B".

A blank line separates questions. Every question is single choice (Moodle's Aiken); a line
"ANSWER: B, D" with several letters makes it multiple choice, as many Chinese tools write it.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from question_bank.formats.common import ParsedQuestion, ParseResult, decode_text
from question_bank.services.questions import QuestionContent

OPTION = re.compile(r"^([A-Za-z])[.)、．]\s*(.+)$")
ANSWER = re.compile(r"^ANSWER\s*[:：]\s*([A-Za-z](?:\s*[,，、]?\s*[A-Za-z])*)\s*$", re.IGNORECASE)


def parse(data: bytes, category_path: str) -> ParseResult:
    result = ParseResult()
    lines = decode_text(data).split("\n")
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            block.append((number, line.strip()))
        elif block:
            _question(block, category_path, result)
            block = []
    if not result.questions and not result.problems:
        result.add_problem(1, _("No question was found."))
    return result


def _question(block: list[tuple[int, str]], category_path: str, result: ParseResult) -> None:
    start = block[0][0]
    stem_lines, options, answer = [], [], None
    for number, line in block:
        option = OPTION.match(line)
        answer_match = ANSWER.match(line)
        if answer_match:
            answer = (number, re.sub(r"[^A-Za-z]", "", answer_match.group(1)).upper())
        elif option and (options or stem_lines):
            expected = chr(ord("A") + len(options))
            if option.group(1).upper() != expected:
                result.add_problem(number, _("expected option %(letter)s here", letter=expected))
                return
            options.append(option.group(2).strip())
        elif options:
            result.add_problem(number, _("text after the options must be the ANSWER line"))
            return
        else:
            stem_lines.append(line)
    if answer is None:
        result.add_problem(block[-1][0], _("the question has no ANSWER: line"))
        return
    letters = sorted(set(answer[1]))
    if any(ord(letter) - ord("A") >= len(options) for letter in letters):
        result.add_problem(answer[0], _("the answer names an option that does not exist"))
        return
    ids = [chr(ord("a") + i) for i in range(len(options))]
    definition = {"options": [{"id": i, "text": t} for i, t in zip(ids, options, strict=True)]}
    if len(letters) == 1:
        kind, definition["correct"] = "single_choice", letters[0].lower()
    else:
        kind, definition["correct"] = "multiple_choice", [x.lower() for x in letters]
    content = QuestionContent(type=kind, stem_md="\n".join(stem_lines), definition=definition)
    result.accept(ParsedQuestion(start, category_path, content))


def export(questions: list) -> bytes:
    """Single and multiple choice questions as Aiken; other types cannot be written in it."""
    blocks = []
    for question in questions:
        version = question.current
        if version.type not in ("single_choice", "multiple_choice"):
            continue
        ids = [o["id"] for o in version.definition["options"]]
        lines = [" ".join(version.stem_md.split())]
        lines += [
            f"{chr(ord('A') + n)}. {o['text']}" for n, o in enumerate(version.definition["options"])
        ]
        correct = version.definition["correct"]
        letters = [
            chr(ord("A") + ids.index(c))
            for c in (correct if isinstance(correct, list) else [correct])
        ]
        lines.append("ANSWER: " + ", ".join(letters))
        blocks.append("\n".join(lines))
    return ("\n\n".join(blocks) + "\n").encode()

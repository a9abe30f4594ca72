"""Moodle XML: ``<quiz>`` with ``<question type="...">`` elements, parsed with defusedxml.

Read: category, multichoice (single or several answers), truefalse, shortanswer (as fill in the
blank), numerical, matching (empty subquestions are extra right-hand items), essay; descriptions
are skipped with a warning. Text in HTML is kept as HTML (it is sanitised when shown, like
Markdown). Files embedded as base64 in the question text, answers and feedback are kept with the
question and stored when it is imported, every ``@@PLUGINFILE@@`` link pointing at them.
Answer grades Moodle itself would refuse are refused, and so is a multiple-answer question whose
positive grades do not add up to 100 %. The file is read in one pass (the line of each question
comes from the parser), UTF-8 or UTF-16; entity definitions and other encodings are refused.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from flask_babel import gettext as _

from lms.core.errors import ValidationError
from question_bank.formats.common import (
    ParsedQuestion,
    ParseResult,
    check_size,
    decode_text,
)
from question_bank.formats.embedded import QuestionFiles
from question_bank.formats.moodle_grades import check_positive_sum, checked_grade
from question_bank.formats.moodle_xml_export import export
from question_bank.render import RICH_OPTION
from question_bank.services.questions import QuestionContent

__all__ = ["export", "parse"]
SUPPORTED = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay"}
DECLARATION = re.compile(r"^\s*<\?xml[^>]*?\?>")
ENCODING = re.compile(r"""\bencoding\s*=\s*["']([^"']*)["']""")
UNICODE = {"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be"}
TAG = re.compile(r"<[^>]+>")


class _NotQuizError(Exception):
    """The root element is not ``<quiz>``: stop reading."""


class _Questions:
    """A parser target that builds each top-level ``<question>``, hands it over with the line
    it starts on as soon as it ends, then lets it go: one pass, and the tree never holds more
    than one question."""

    def __init__(self, handle: Callable[[Element, int], None]) -> None:
        self.builder = TreeBuilder()
        self.handle = handle
        self.depth = 0
        self.line = 0
        self.root: Element | None = None
        self.parser: DefusedXMLParser | None = None

    def start(self, tag: str, attributes: dict[str, str]) -> Element:
        self.depth += 1
        element = self.builder.start(tag, attributes)
        if self.depth == 1:
            if tag != "quiz":
                raise _NotQuizError
            self.root = element
        elif self.depth == 2 and tag == "question" and self.parser is not None:
            self.line = self.parser.parser.CurrentLineNumber
        return element

    def end(self, tag: str) -> Element:
        self.depth -= 1
        element = self.builder.end(tag)
        if self.depth == 1 and tag == "question" and self.root is not None:
            self.handle(element, self.line)
            self.root.remove(element)
        return element

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Element:
        return self.builder.close()


def _decode(data: bytes) -> str:
    """UTF-16 (by its byte order mark or its first characters) or UTF-8; the encoding the XML
    declares must be one of them, since the parser is given text."""
    check_size(data)
    for mark, codec in ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
                        (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be")):  # fmt: skip
        if data.startswith(mark):
            try:
                text = data.decode(codec).lstrip("\ufeff").replace("\r\n", "\n")
            except UnicodeDecodeError as error:
                raise ValidationError(_("The file is not valid UTF-16 text.")) from error
            if "\x00" in text:  # UTF-32 starts like UTF-16
                raise ValidationError(_("This is not a text file."))
            return text
    return decode_text(data)


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _plain(text: str) -> str:
    return html.unescape(TAG.sub("", text)).strip()


def parse(data: bytes, category_path: str) -> ParseResult:
    result = ParseResult()
    raw = _decode(data)
    declaration = DECLARATION.match(raw)
    if declaration:
        declared = ENCODING.search(declaration.group(0))
        if declared and declared.group(1).strip().lower() not in UNICODE:
            result.add_problem(
                1,
                _(
                    "the file declares the encoding “%(name)s”: save it as UTF-8",
                    name=declared.group(1),
                ),
            )
            return result
        raw = raw[: declaration.start()] + raw[declaration.end() :]  # the text is decoded already
    category = category_path

    def handle(question: Element, line: int) -> None:
        nonlocal category
        category = _one(question, line, category, category_path, result)

    target = _Questions(handle)
    parser = DefusedXMLParser(target=target)
    target.parser = parser
    try:
        parser.feed(raw)
        parser.close()
    except _NotQuizError:
        result.add_problem(1, _("a Moodle XML file starts with <quiz>"))
        return result
    except DefusedXmlException:
        result.add_problem(1, _("the XML declares entities, which are not accepted"))
        return result
    except ParseError as error:
        line = getattr(error, "position", (1, 0))[0]
        result.add_problem(line, _("this is not well-formed XML"))
        return result
    if not result.questions and not result.problems:
        result.add_problem(1, _("No question was found."))
    return result


def _one(question: Element, line: int, category: str, default: str, result: ParseResult) -> str:
    """Read one ``<question>`` into the result; answers the category that follows it."""
    kind = question.get("type", "")
    if kind == "category":
        path = _text(question.find("category"))
        path = re.sub(r"^\$(course|system|module|coursecat)\$/", "", path)
        return re.sub(r"^top/?", "", path).strip("/") or default
    name = _text(question.find("name")) or _plain(_text(question.find("questiontext")))[:40]
    if kind == "description":
        result.add_warning(
            line, _("“%(name)s” is a description, not a question: it was skipped", name=name)
        )
        return category
    if kind not in SUPPORTED:
        result.add_problem(line, _("the question type “%(type)s” is not supported", type=kind))
        return category
    files = QuestionFiles.of(question)
    try:
        content = _question(kind, question, files, lambda m: result.add_warning(line, m))
    except ValueError as error:
        result.add_problem(line, f"“{name}”: {error}")
        return category
    for problem in files.problems:
        result.add_problem(line, f"“{name}”: {problem}")
    for missing in dict.fromkeys(files.missing):
        result.add_warning(
            line,
            _(
                "“%(name)s” links to the file “%(file)s”, which the question does not hold",
                name=name,
                file=missing,
            ),
        )
    if not files.problems:
        result.accept(ParsedQuestion(line, category, content, files=files.files))
    return category


def _fraction(answer: Element) -> float:
    return checked_grade(answer.get("fraction", "0") or "0")


def _answer_text(element: Element, files: QuestionFiles, rich: bool) -> str:
    """An answer as plain text, or as HTML when it carries images, links or sound."""
    text = files.linked(element, _text(element))
    return text if rich and RICH_OPTION.search(text) else _plain(text)


def _choices(question: Element, files: QuestionFiles, rich: bool, warn) -> tuple[str, dict]:
    answers = [(a, _fraction(a)) for a in question.findall("answer")]
    options = []
    for i, (element, _f) in enumerate(answers):
        option = {"id": chr(ord("a") + i), "text": _answer_text(element, files, rich)}
        feedback = element.find("feedback")
        if feedback is not None and _text(feedback):
            option["feedback"] = _answer_text(feedback, files, rich)
        options.append(option)
    fractions = [f for _a, f in answers]
    positive = [f for f in fractions if f > 0]
    if _text(question, "single").lower() in ("true", "1"):
        if not any(abs(f - 100) < 0.001 for f in fractions):
            raise ValueError(_("one answer must be worth 100 %, as Moodle requires"))
        if any(0 < f < 99.999 for f in fractions):
            warn(_("answers worth part of the mark count as wrong here"))
        best = max(range(len(fractions)), key=fractions.__getitem__)
        return "single_choice", {"options": options, "correct": options[best]["id"]}
    check_positive_sum(fractions)
    if max(positive) - min(positive) > 0.01:
        warn(_("its right answers have different grades: each counts the same here"))
    correct = [o["id"] for o, f in zip(options, fractions, strict=True) if f > 0]
    return "multiple_choice", {
        "options": options,
        "correct": correct,
        "scoring": "partial",
        "penalty": 1.0,
    }


def _full_marks(question: Element, warn) -> list[Element]:
    """The answers worth 100 %; the others are left out, with a warning when they earn part."""
    answers = [(a, _fraction(a)) for a in question.findall("answer")]
    if any(0 < f < 99.999 for _a, f in answers):
        warn(_("answers worth part of the mark were left out: only fully right ones count"))
    return [a for a, f in answers if f >= 99.999]


def _question(kind: str, question: Element, files: QuestionFiles, warn) -> QuestionContent:
    text_node = question.find("questiontext")
    stem = files.linked(text_node, _text(text_node))
    try:
        mark = float(_text(question, "defaultgrade") or 1) or 1.0
    except ValueError:
        mark = 1.0
    text_format = text_node.get("format", "html") if text_node is not None else "html"
    rich = text_format != "markdown"
    feedback_node = question.find("generalfeedback")
    common = {
        "text_format": "html" if rich else "markdown",
        "stem_md": stem,
        "explanation_md": files.linked(feedback_node, _text(feedback_node)),
        "title": _text(question.find("name")),
        "default_mark": mark,
    }
    if kind == "multichoice":
        kind_key, definition = _choices(question, files, rich, warn)
        return QuestionContent(type=kind_key, definition=definition, **common)
    if kind == "truefalse":
        right = next((_text(a) for a in _full_marks(question, warn)), "true")
        return QuestionContent(
            type="true_false", definition={"correct": right.lower() == "true"}, **common
        )
    if kind == "shortanswer":
        accepted = [_plain(_text(a)) for a in _full_marks(question, warn)]
        return QuestionContent(
            type="fill_blank",
            **{**common, "stem_md": f"{stem}\n\n{{{{1}}}}"},
            definition={"blanks": [accepted]},
        )
    if kind == "numerical":
        numbers = []
        for element in _full_marks(question, warn):
            text = _plain(_text(element))
            if text == "*":  # Moodle's "any other answer"
                continue
            try:
                numbers.append(
                    {"value": float(text), "tolerance": float(_text(element, "tolerance") or 0)}
                )
            except ValueError as error:
                raise ValueError(_("“%(text)s” is not a number", text=text)) from error
        units = [_text(u, "unit_name") for u in question.findall("units/unit")]
        return QuestionContent(
            type="numerical",
            definition={"answers": numbers, "units": [u for u in units if u]},
            **common,
        )
    if kind == "matching":
        definition = _matching(question, files, rich)
        return QuestionContent(type="matching", definition=definition, **common)
    return QuestionContent(
        type="short_answer", definition={"reference": _text(question.find("graderinfo"))}, **common
    )


def _matching(question: Element, files: QuestionFiles, rich: bool) -> dict:
    """Pairs (a left side may hold an image, as Moodle allows); empty subquestions are extra
    right-hand items."""
    pairs, extra = [], []
    for sub in question.findall("subquestion"):
        left, right = _answer_text(sub, files, rich), _plain(_text(sub.find("answer")))
        if left:
            pairs.append({"id": f"p{len(pairs) + 1}", "left": left, "right": right})
        elif right:  # an empty subquestion: a right-hand item that matches nothing
            extra.append({"id": f"d{len(extra) + 1}", "text": right})
    return {"pairs": pairs, "distractors": extra} if extra else {"pairs": pairs}

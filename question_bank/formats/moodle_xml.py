"""Moodle XML: ``<quiz>`` with ``<question type="...">`` elements, parsed with defusedxml.

Read: category, multichoice (single or several answers), truefalse, shortanswer (as fill in the
blank), numerical, matching, essay. Question text in HTML is kept as HTML (it is sanitised when
shown, like Markdown) and its images, embedded as base64 ``@@PLUGINFILE@@`` files, are stored as
uploads. Entity definitions and external entities are refused.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
from xml.etree.ElementTree import (
    Element,
    SubElement,
    tostring,
)

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from flask_babel import gettext as _

from lms.core.errors import DomainError
from lms.core.uploads import save_upload
from question_bank.formats.common import ParsedQuestion, ParseResult, decode_text
from question_bank.services.questions import QuestionContent

SUPPORTED = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "essay"}


def _text(element: Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _html_with_files(element: Element | None) -> str:
    """The element's text; embedded files become uploads and their links point at them."""
    text = _text(element)
    if element is None:
        return text
    for file in element.findall("file"):
        name = file.get("name", "file")
        try:
            data = base64.b64decode(file.text or "", validate=False)
            upload = save_upload(io.BytesIO(data), name, "image")
        except (binascii.Error, DomainError):
            continue
        text = text.replace(f"@@PLUGINFILE@@/{name}", f"/files/{upload.token}/{upload.filename}")
    return text


def _line_of(raw: str, index: int) -> int:
    """The line where the index-th <question> element starts."""
    positions = [m.start() for m in re.finditer(r"<question[\s>]", raw)]
    return raw.count("\n", 0, positions[index]) + 1 if index < len(positions) else 1


def parse(data: bytes, category_path: str) -> ParseResult:
    result = ParseResult()
    raw = decode_text(data)
    try:
        root = fromstring(raw.encode())
    except DefusedXmlException:
        result.add_problem(1, _("the XML declares entities, which are not accepted"))
        return result
    except ParseError as error:
        line = getattr(error, "position", (1, 0))[0]
        result.add_problem(line, _("this is not well-formed XML"))
        return result
    if root.tag != "quiz":
        result.add_problem(1, _("a Moodle XML file starts with <quiz>"))
        return result
    category = category_path
    for index, question in enumerate(root.findall("question")):
        line = _line_of(raw, index)
        kind = question.get("type", "")
        if kind == "category":
            path = _text(question.find("category"))
            path = re.sub(r"^\$(course|system|module|coursecat)\$/", "", path)
            category = re.sub(r"^top/?", "", path).strip("/") or category_path
            continue
        if kind not in SUPPORTED:
            result.add_problem(line, _("the question type “%(type)s” is not supported", type=kind))
            continue
        try:
            content = _question(kind, question)
        except ValueError as error:
            result.add_problem(line, str(error))
            continue
        result.accept(ParsedQuestion(line, category, content))
    if not result.questions and not result.problems:
        result.add_problem(1, _("No question was found."))
    return result


def _question(kind: str, question: Element) -> QuestionContent:  # noqa: PLR0911 - one per type
    stem = _html_with_files(question.find("questiontext"))
    answers = [
        (float(a.get("fraction", "0") or 0), _text(a), a) for a in question.findall("answer")
    ]
    try:
        mark = float(_text(question, "defaultgrade") or 1) or 1.0
    except ValueError:
        mark = 1.0
    text_node = question.find("questiontext")
    text_format = text_node.get("format", "html") if text_node is not None else "html"
    common = {
        "text_format": "markdown" if text_format == "markdown" else "html",
        "stem_md": stem,
        "explanation_md": _html_with_files(question.find("generalfeedback")),
        "title": _text(question.find("name")),
        "default_mark": mark,
    }
    if kind == "multichoice":
        options = []
        for i, (_f, text, element) in enumerate(answers):
            option = {"id": chr(ord("a") + i), "text": text}
            feedback = _text(element.find("feedback"))
            if feedback:
                option["feedback"] = feedback
            options.append(option)
        correct = [
            o["id"] for o, (fraction, _t, _a) in zip(options, answers, strict=True) if fraction > 0
        ]
        if _text(question, "single").lower() in ("true", "1"):
            best = max(range(len(answers)), key=lambda i: answers[i][0], default=0)
            return QuestionContent(
                type="single_choice",
                definition={"options": options, "correct": options[best]["id"] if options else ""},
                **common,
            )
        return QuestionContent(
            type="multiple_choice",
            definition={
                "options": options,
                "correct": correct,
                "scoring": "partial",
                "penalty": 1.0,
            },
            **common,
        )
    if kind == "truefalse":
        right = next((text for fraction, text, _a in answers if fraction >= 100), "true")
        return QuestionContent(
            type="true_false", definition={"correct": right.lower() == "true"}, **common
        )
    if kind == "shortanswer":
        accepted = [text for fraction, text, _a in answers if fraction >= 100]
        return QuestionContent(
            type="fill_blank",
            **{**common, "stem_md": f"{stem}\n\n{{{{1}}}}"},
            definition={"blanks": [accepted]},
        )
    if kind == "numerical":
        numbers = []
        for fraction, text, element in answers:
            if fraction >= 100:
                try:
                    numbers.append(
                        {"value": float(text), "tolerance": float(_text(element, "tolerance") or 0)}
                    )
                except ValueError as error:
                    raise ValueError(_("“%(text)s” is not a number", text=text)) from error
        return QuestionContent(
            type="numerical", definition={"answers": numbers, "units": []}, **common
        )
    if kind == "matching":
        pairs = [
            {
                "id": f"p{n}",
                "left": re.sub(r"<[^>]+>", "", _text(sub)).strip(),
                "right": _text(sub.find("answer")),
            }
            for n, sub in enumerate(question.findall("subquestion"), start=1)
        ]
        return QuestionContent(type="matching", definition={"pairs": pairs}, **common)
    return QuestionContent(
        type="short_answer", definition={"reference": _text(question.find("graderinfo"))}, **common
    )


def _add(parent: Element, tag: str, text: str, **attributes: str) -> Element:
    element = SubElement(parent, tag, attributes)
    SubElement(element, "text").text = text
    return element


def _answer(parent: Element, fraction: float, text: str) -> Element:
    return _add(parent, "answer", text, fraction=f"{fraction:g}", format="plain_text")


def export(questions: list) -> bytes:  # noqa: PLR0912 - one branch per type
    """Questions as Moodle XML, with a category element before each category's questions."""
    quiz, category = Element("quiz"), None
    for question in questions:
        if question.category.path != category:
            category = question.category.path
            holder = SubElement(quiz, "question", {"type": "category"})
            _add(holder, "category", f"$course$/top/{category}")
        version, d = question.current, question.current.definition
        moodle_type = {
            "single_choice": "multichoice",
            "multiple_choice": "multichoice",
            "true_false": "truefalse",
            "fill_blank": "shortanswer",
            "numerical": "numerical",
            "matching": "matching",
            "short_answer": "essay",
        }[version.type]
        if version.type == "fill_blank" and len(d["blanks"]) != 1:
            continue
        element = SubElement(quiz, "question", {"type": moodle_type})
        _add(element, "name", version.title or version.stem_md[:60])
        stem = (
            version.stem_md.replace("{{1}}", "").strip()
            if version.type == "fill_blank"
            else version.stem_md
        )
        _add(element, "questiontext", stem, format="markdown")
        _add(element, "generalfeedback", version.explanation_md, format="markdown")
        SubElement(element, "defaultgrade").text = f"{version.default_mark:g}"
        if version.type in ("single_choice", "multiple_choice"):
            single = version.type == "single_choice"
            SubElement(element, "single").text = "true" if single else "false"
            correct = [d["correct"]] if single else d["correct"]
            wrong_share = -100 / max(1, len(d["options"]) - len(correct))
            for option in d["options"]:
                good = option["id"] in correct
                fraction = 100 / len(correct) if good else (0 if single else wrong_share)
                node = _answer(element, fraction, option["text"])
                if option.get("feedback"):
                    _add(node, "feedback", option["feedback"])
        elif version.type == "true_false":
            _answer(element, 100 if d["correct"] else 0, "true")
            _answer(element, 0 if d["correct"] else 100, "false")
        elif version.type == "fill_blank":
            for accepted in d["blanks"][0]:
                _answer(element, 100, accepted)
        elif version.type == "numerical":
            for answer in d["answers"]:
                node = _answer(element, 100, f"{answer['value']:g}")
                SubElement(node, "tolerance").text = f"{answer['tolerance']:g}"
        elif version.type == "matching":
            for pair in d["pairs"]:
                sub = _add(element, "subquestion", pair["left"], format="plain_text")
                _add(sub, "answer", pair["right"])
        elif version.type == "short_answer":
            _add(element, "graderinfo", d.get("reference", ""), format="markdown")
    return tostring(quiz, encoding="utf-8", xml_declaration=True)

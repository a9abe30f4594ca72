"""Writing questions as Moodle XML: a category element before each category's questions, then
one ``<question>`` per question, its grades on Moodle's list."""

from __future__ import annotations

from xml.etree.ElementTree import Element, SubElement, tostring


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
        text_format = "html" if version.text_format == "html" else "markdown"
        _add(element, "questiontext", stem, format=text_format)
        _add(element, "generalfeedback", version.explanation_md, format=text_format)
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
                node = _answer(element, 100, f"{answer['value']!r}")
                SubElement(node, "tolerance").text = f"{answer['tolerance']!r}"
            if d.get("units"):
                units = SubElement(element, "units")
                for unit in d["units"]:
                    holder = SubElement(units, "unit")
                    SubElement(holder, "multiplier").text = "1"
                    SubElement(holder, "unit_name").text = unit
        elif version.type == "matching":
            for pair in d["pairs"]:
                sub = _add(element, "subquestion", pair["left"], format="plain_text")
                _add(sub, "answer", pair["right"])
            for extra in d.get("distractors", []):
                sub = _add(element, "subquestion", "", format="plain_text")
                _add(sub, "answer", extra["text"])
        elif version.type == "short_answer":
            _add(element, "graderinfo", d.get("reference", ""), format="markdown")
    return tostring(quiz, encoding="utf-8", xml_declaration=True)

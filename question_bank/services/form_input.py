"""Question definitions from plain form fields, and back, so authors never write JSON.

Options are one per line; correct options are their numbers ("1" or "1, 3"); fill-in answers are
one line per blank with alternatives separated by "|"; matching pairs are "left = right" lines,
and "= item" lines add right-hand items that match nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from lms.core.errors import ValidationError


@dataclass
class DefinitionFields:
    options: str = ""
    correct: str = ""
    scoring: str = "all"
    penalty: float | None = None
    answers: str = ""
    value: float | None = None
    tolerance: float | None = None
    units: str = ""
    pairs: str = ""
    reference: str = ""
    truth: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _numbers(text: str, count: int) -> list[int]:
    try:
        numbers = [int(part) for part in re.split(r"[,，、\s]+", (text or "").strip()) if part]
    except ValueError as error:
        raise ValidationError(
            _("Give the numbers of the correct options, such as 1 or 1, 3."), field="correct"
        ) from error
    if not numbers or any(not 1 <= n <= count for n in numbers):
        raise ValidationError(
            _("Give the numbers of the correct options, such as 1 or 1, 3."), field="correct"
        )
    return numbers


def _choice(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    options = [
        {"id": chr(ord("a") + i), "text": text} for i, text in enumerate(_lines(fields.options))
    ]
    chosen = [options[n - 1]["id"] for n in _numbers(fields.correct, len(options))]
    if kind == "single_choice":
        if len(chosen) != 1:
            raise ValidationError(
                _("A single-choice question has one correct option."), field="correct"
            )
        return {"options": options, "correct": chosen[0]}
    definition: dict[str, Any] = {
        "options": options,
        "correct": chosen,
        "scoring": fields.scoring or "all",
    }
    if fields.penalty is not None:
        definition["penalty"] = fields.penalty
    return definition


def _true_false(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    if fields.truth not in ("true", "false"):
        raise ValidationError(_("Say whether the statement is true or false."), field="truth")
    return {"correct": fields.truth == "true"}


def _fill_blank(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    return {
        "blanks": [
            [a.strip() for a in line.split("|") if a.strip()] for line in _lines(fields.answers)
        ]
    }


def _numerical(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    if fields.value is None:
        raise ValidationError(_("Give the correct number."), field="value")
    units = [u.strip() for u in re.split(r"[,，]", fields.units or "") if u.strip()]
    return {
        "answers": [{"value": fields.value, "tolerance": fields.tolerance or 0}],
        "units": units,
    }


def _matching(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    pairs, extra = [], []
    for number, line in enumerate(_lines(fields.pairs), start=1):
        left, sep, right = line.partition("=")
        if not sep:
            raise ValidationError(
                _("Write each pair as “left = right” (line %(n)d).", n=number), field="pairs"
            )
        if left.strip():
            pairs.append({"id": f"p{len(pairs) + 1}", "left": left.strip(), "right": right.strip()})
        else:
            extra.append({"id": f"d{len(extra) + 1}", "text": right.strip()})
    return {"pairs": pairs, "distractors": extra} if extra else {"pairs": pairs}


def _short_answer(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    return {"reference": fields.reference or ""}


_PARSERS = {
    "single_choice": _choice,
    "multiple_choice": _choice,
    "true_false": _true_false,
    "fill_blank": _fill_blank,
    "numerical": _numerical,
    "matching": _matching,
    "short_answer": _short_answer,
}


def definition_from_fields(kind: str, fields: DefinitionFields) -> dict[str, Any]:
    parser = _PARSERS.get(kind)
    if parser is None:
        raise ValidationError(_("Unknown question type “%(key)s”.", key=kind), field="type")
    return parser(kind, fields)


def fields_from_definition(kind: str, definition: dict[str, Any]) -> DefinitionFields:
    fields = DefinitionFields()
    if kind in ("single_choice", "multiple_choice"):
        ids = [o["id"] for o in definition["options"]]
        fields.options = "\n".join(o["text"] for o in definition["options"])
        correct = (
            definition["correct"]
            if isinstance(definition["correct"], list)
            else [definition["correct"]]
        )
        fields.correct = ", ".join(str(ids.index(c) + 1) for c in correct)
        fields.scoring = definition.get("scoring", "all")
        fields.penalty = definition.get("penalty")
    elif kind == "true_false":
        fields.truth = "true" if definition["correct"] else "false"
    elif kind == "fill_blank":
        fields.answers = "\n".join(" | ".join(answers) for answers in definition["blanks"])
    elif kind == "numerical":
        first = definition["answers"][0]
        fields.value, fields.tolerance = first["value"], first["tolerance"]
        fields.units = ", ".join(definition.get("units", []))
    elif kind == "matching":
        fields.pairs = "\n".join(
            [f"{p['left']} = {p['right']}" for p in definition["pairs"]]
            + [f"= {d['text']}" for d in definition.get("distractors", [])]
        )
    elif kind == "short_answer":
        fields.reference = definition.get("reference", "")
    return fields

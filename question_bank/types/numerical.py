"""A number, right within a tolerance, with optional units."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from question_bank.types.base import QuestionType, problem

_NUMBER = re.compile(r"^\s*([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def parse_response(response: Any, units: list[str]) -> float | None:
    """3.14, "3.14" or "3.14 m" (when m is an accepted unit) as a number; else None."""
    number = _number(response)
    if number is not None:
        return number
    if not isinstance(response, str):
        return None
    match = _NUMBER.match(unicodedata.normalize("NFKC", response).replace(",", ""))
    if not match:
        return None
    unit = match.group(2)
    if unit and unit.casefold() not in {unicodedata.normalize("NFKC", u).casefold() for u in units}:
        return None
    value = float(match.group(1))
    return value if math.isfinite(value) else None


class Numerical(QuestionType):
    key = "numerical"
    label = _l("Numerical")

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        answers = definition.get("answers")
        if not isinstance(answers, list) or not answers:
            raise problem(_("Give at least one correct number."))
        cleaned = []
        for answer in answers:
            value = _number(answer.get("value")) if isinstance(answer, dict) else None
            tolerance = _number(answer.get("tolerance", 0)) if isinstance(answer, dict) else None
            if value is None or tolerance is None or tolerance < 0:
                raise problem(_("Each answer is a number with a tolerance of 0 or more."))
            cleaned.append({"value": value, "tolerance": tolerance})
        units = definition.get("units") or []
        if not isinstance(units, list) or not all(isinstance(u, str) and u.strip() for u in units):
            raise problem(_("Units are a list of words such as m or 米."))
        return {"answers": cleaned, "units": [u.strip() for u in units]}

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        return parse_response(response, definition.get("units", [])) is not None

    def grade(self, definition: dict[str, Any], response: Any) -> float:
        value = parse_response(response, definition.get("units", []))
        if value is None:
            return 0.0
        for answer in definition["answers"]:
            if abs(value - answer["value"]) <= answer["tolerance"] + 1e-9:
                return 1.0
        return 0.0

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return definition["answers"][0]["value"]

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        value = parse_response(response, definition.get("units", []))
        return "" if value is None else f"{value:g}"

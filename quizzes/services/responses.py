"""Answers as the browser sends them (opaque tokens) and as they are stored (definition ids).

A stored response is what the question type grades; the browser only ever sees tokens.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from lms.core.errors import ValidationError
from quizzes.models import AttemptItem

MAX_TEXT = 20_000
MAX_BLANK = 200


def _bad(message: str) -> ValidationError:
    return ValidationError(message, field="answer")


def _lookup(pairs: list[list[str]]) -> dict[str, str]:
    return {token: real for token, real in pairs}


def _reverse(pairs: list[list[str]]) -> dict[str, str]:
    return {real: token for token, real in pairs}


def _single(item: AttemptItem, answer: Any) -> Any:
    options = _lookup(item.choices["options"])
    if not isinstance(answer, str) or answer not in options:
        raise _bad(_("Choose one of the options."))
    return options[answer]


def _multiple(item: AttemptItem, answer: Any) -> Any:
    options = _lookup(item.choices["options"])
    if not isinstance(answer, list) or not all(isinstance(a, str) and a in options for a in answer):
        raise _bad(_("Choose among the options."))
    picked = {options[a] for a in answer}
    return [option_id for _token, option_id in item.choices["options"] if option_id in picked]


def _true_false(item: AttemptItem, answer: Any) -> Any:
    if not isinstance(answer, bool):
        raise _bad(_("Answer true or false."))
    return answer


def _fill_blank(item: AttemptItem, answer: Any) -> Any:
    blanks = len(item.version.definition["blanks"])
    if (
        not isinstance(answer, list)
        or len(answer) != blanks
        or not all(isinstance(a, str) and len(a) <= MAX_BLANK for a in answer)
    ):
        raise _bad(_("Give one text of at most %(n)d characters per blank.", n=MAX_BLANK))
    return answer


def _numerical(item: AttemptItem, answer: Any) -> Any:
    valid = (
        isinstance(answer, int | float | str)
        and not isinstance(answer, bool)
        and not (isinstance(answer, float) and not math.isfinite(answer))
        and not (isinstance(answer, str) and len(answer) > 100)
    )
    if not valid:
        raise _bad(_("Give a number."))
    return answer


def _matching(item: AttemptItem, answer: Any) -> Any:
    left, right = _lookup(item.choices["left"]), _lookup(item.choices["right"])
    if not isinstance(answer, dict) or not all(
        k in left and (v is None or (isinstance(v, str) and (v in right or v == "")))
        for k, v in answer.items()
    ):
        raise _bad(_("Match each item with one on the right."))
    return {left[k]: right[v] for k, v in answer.items() if v}


def _text(item: AttemptItem, answer: Any) -> Any:
    if not isinstance(answer, str) or len(answer) > MAX_TEXT:
        raise _bad(_("Write at most %(n)d characters.", n=MAX_TEXT))
    return answer


_READERS: dict[str, Callable[[AttemptItem, Any], Any]] = {
    "single_choice": _single,
    "multiple_choice": _multiple,
    "true_false": _true_false,
    "fill_blank": _fill_blank,
    "numerical": _numerical,
    "matching": _matching,
    "short_answer": _text,
}


def from_client(item: AttemptItem, answer: Any) -> Any:
    """The stored form of a browser's answer; None clears it. Raises ValidationError."""
    if answer is None:
        return None
    reader = _READERS.get(item.version.type)
    if reader is None:
        raise _bad(_("This question cannot be answered here."))
    return reader(item, answer)


def to_client(item: AttemptItem, response: Any) -> Any:
    """The stored response in the tokens the browser knows."""
    if response is None:
        return None
    kind = item.version.type
    choices = item.choices or {}
    if kind == "single_choice":
        return _reverse(choices["options"]).get(response)
    if kind == "multiple_choice":
        tokens = _reverse(choices["options"])
        return [tokens[r] for r in response if r in tokens]
    if kind == "matching":
        left, right = _reverse(choices["left"]), _reverse(choices["right"])
        return {left[k]: right[v] for k, v in response.items() if k in left and v in right}
    return response


def from_form(item: AttemptItem, form: Any, prefix: str) -> tuple[bool, Any]:
    """An answer posted by the page without JavaScript: (was it on the page, the answer)."""
    kind = item.version.type
    if f"{prefix}present" not in form:
        return False, None
    if kind == "multiple_choice":
        return True, form.getlist(prefix) or None
    if kind == "true_false":
        value = form.get(prefix)
        return True, None if value not in ("true", "false") else value == "true"
    if kind == "fill_blank":
        blanks = len(item.version.definition["blanks"])
        values = [form.get(f"{prefix}-{n}", "") for n in range(1, blanks + 1)]
        return True, values if any(v.strip() for v in values) else None
    if kind == "matching":
        mapping = {
            token: form.get(f"{prefix}-{token}", "") for token, _real in item.choices["left"]
        }
        return True, {k: v for k, v in mapping.items() if v} or None
    value = form.get(prefix, "")
    return True, value if value.strip() else None

"""JSON as the app reads it from requests: parsed once, at the edge, into what the rest can hold.

Python's ``json`` accepts what the database or the code behind it cannot: lone UTF-16 surrogates
(``"\\ud800"``, unencodable as UTF-8), integers of any size, ``NaN`` and ``Infinity``, and nesting
deep enough to exhaust the stack. :func:`strict_loads` refuses each with :class:`InvalidJSONError`
(a ``ValueError``, so Flask's ``request.get_json`` treats it as any malformed body), and
:class:`StrictJSONProvider` makes it the app's parser, so every ``get_json`` goes through it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l

MAX_DEPTH = 20
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what a signed 64-bit column holds
_LONGEST_INT = len(str(INT_MIN))
_SURROGATE = re.compile("[\ud800-\udfff]")


class InvalidJSONError(ValueError):
    """A request body the app refuses; ``message`` says why, in the user's language."""

    def __init__(self, message: Any) -> None:
        super().__init__(message)
        self.message = message


def _parse_int(text: str) -> int:
    value = int(text) if len(text) <= _LONGEST_INT else None
    if value is None or not INT_MIN <= value <= INT_MAX:
        raise InvalidJSONError(_l("Whole numbers must fit in 64 bits."))
    return value


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise InvalidJSONError(_l("Numbers must be finite."))
    return value


def _parse_constant(text: str) -> Any:
    raise InvalidJSONError(_l("Numbers must be finite."))


def _check_text(text: str) -> None:
    if _SURROGATE.search(text):
        raise InvalidJSONError(_l("Text must be valid Unicode (no lone surrogates)."))


def _check_tree(value: Any) -> None:
    """Depth and text of a parsed document, walked without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            _check_text(node)
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise InvalidJSONError(_l("The JSON is nested too deeply."))
        if isinstance(node, dict):
            for key in node:
                _check_text(key)
            stack.extend((child, depth + 1) for child in node.values())
        else:
            stack.extend((child, depth + 1) for child in node)


def strict_loads(data: str | bytes | bytearray, **kwargs: Any) -> Any:
    """Parse a request body; raises :class:`InvalidJSONError` for anything the app refuses.
    ``kwargs`` go to :func:`json.loads` (Flask's session serializer passes an object hook)."""
    try:
        value = json.loads(
            data,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
            **kwargs,
        )
    except InvalidJSONError:
        raise
    except RecursionError as error:  # the C scanner's own depth limit, long past MAX_DEPTH
        raise InvalidJSONError(_l("The JSON is nested too deeply.")) from error
    except ValueError as error:  # malformed JSON, or bytes that are not UTF-8/16/32
        raise InvalidJSONError(_l("The request body is not valid JSON.")) from error
    _check_tree(value)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """The app's JSON: Flask's, except that reading uses :func:`strict_loads`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return strict_loads(s, **kwargs)

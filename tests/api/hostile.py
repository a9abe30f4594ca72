"""Hostile request bodies, generated from the OpenAPI document: a valid body drawn by
schemathesis with one or two of its values, at any depth, replaced by JSON that Python reads but
a database or the code behind it may not hold: a lone UTF-16 surrogate, an integer past 64 bits,
a number too large for a float, NaN, nesting thousands of levels deep, or a list or an object
where a scalar belongs. Schemathesis' own generators never make these (its text is valid
Unicode and its JSON well-behaved), and they are what found 500s in the API."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode

HOSTILE_JSON = (
    '"\\ud800"',
    '"a\\udfffb"',
    '{"\\udc00": 1}',
    "18446744073709551616",
    "-9223372036854775809",
    "1e999",
    "NaN",
    "[" * 3000 + "]" * 3000,
    '[["x"]]',
    '{"a": {"b": [1]}}',
    "[]",
    "{}",
)
_MARK = "\x00hostile-{}\x00"


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value, the whole value included."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replace(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replace(copy[head], rest, new)
    return copy


@st.composite
def hostile_bodies(draw: st.DrawFn, operation: APIOperation) -> tuple[Case, bytes]:
    """A case from the document with its body spoiled in one or two places, as raw JSON."""
    case = draw(operation.as_strategy(generation_mode=GenerationMode.POSITIVE))
    body = case.body if isinstance(case.body, dict | list) else {}
    chosen = draw(st.lists(st.sampled_from(_paths(body)), min_size=1, max_size=2, unique=True))
    literals = [draw(st.sampled_from(HOSTILE_JSON)) for _ in chosen]
    for number, path in enumerate(sorted(chosen, key=len, reverse=True)):
        try:
            body = _replace(body, path, _MARK.format(number))
        except (KeyError, IndexError, TypeError):  # inside a place an earlier one replaced
            continue
    text = json.dumps(body)
    for number, literal in enumerate(literals):
        text = text.replace(json.dumps(_MARK.format(number)), literal)
    return case, text.encode()

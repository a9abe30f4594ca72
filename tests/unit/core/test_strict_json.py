"""Request JSON is read at the edge into what the app can hold (lms/core/strict_json.py)."""

from __future__ import annotations

import pytest

from lms.core.strict_json import MAX_DEPTH, InvalidJSONError, strict_loads


@pytest.mark.parametrize(
    "raw",
    [
        '"\\ud800"',
        '{"a": ["x", "\\udfff"]}',
        '{"\\ud83d": 1}',
        "9223372036854775808",
        "-9223372036854775809",
        "1" * 5000,
        "1e999",
        "NaN",
        "[Infinity]",
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "[" * 100_000 + "]" * 100_000,
        '{"a": ' * 5000 + "1" + "}" * 5000,
        b'"\xff\xfe\x00"',
        b'{"a": "\xed\xa0\x80"}',
        "{",
    ],
)
def test_refused(raw):
    with pytest.raises(InvalidJSONError):
        strict_loads(raw)


def test_accepted():
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert strict_loads(nested) is not None
    assert strict_loads('{"t": "\\ud83d\\ude00 张三", "n": [9223372036854775807, -1.5]}') == {
        "t": "😀 张三",
        "n": [2**63 - 1, -1.5],
    }
    assert strict_loads(b'{"a": 1}') == {"a": 1}

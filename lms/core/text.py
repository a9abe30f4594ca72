"""Text that people type, and text written into files others open.

Names and titles may not hold invisible characters: C0 and C1 control characters (NUL
included), the bidirectional overrides and isolates that reorder what a reader sees
(U+202A–U+202E, U+2066–U+2069), and lone UTF-16 surrogates, which no encoding can write.
Multi-line text (question text) may also hold tabs and line breaks. Services check their names
and titles with :func:`check_plain_text`, so forms and the API refuse the same input.
:func:`printable` cleans any stored text for an export, so an old value never breaks one.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from lms.core.errors import ValidationError

_INVISIBLE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_SURROGATES = "\ud800-\udfff"
MULTI_LINE_FORBIDDEN = re.compile(f"[{_INVISIBLE}{_SURROGATES}]")
SINGLE_LINE_FORBIDDEN = re.compile(f"[\t\n\r{_INVISIBLE}{_SURROGATES}]")
_SURROGATE = re.compile(f"[{_SURROGATES}]")
_UNWRITABLE = re.compile(f"[{_INVISIBLE}]")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why ``value`` is refused as a name or title, or None."""
    pattern = MULTI_LINE_FORBIDDEN if multiline else SINGLE_LINE_FORBIDDEN
    found = pattern.search(value or "")
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    return _(
        "Remove the invisible control or text-direction character (%(code)s) from the text.",
        code=code,
    )


def check_plain_text(value: str, *, field: str, multiline: bool = False) -> str:
    """``value`` unchanged, or a ValidationError on ``field`` if it holds invisible characters."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise ValidationError(problem, field=field)
    return value


def printable(value: str) -> str:
    """``value`` without the characters an export file cannot hold or should not show.

    Control and direction characters are dropped (tabs and line breaks stay); a lone surrogate
    becomes U+FFFD.
    """
    return _UNWRITABLE.sub("", _SURROGATE.sub("\ufffd", value))

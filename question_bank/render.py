"""Showing questions: the stem as members see it, and the correct answer in words."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from lms.core.markup import render_markdown
from question_bank.models import QuestionVersion
from question_bank.types import get_type

_BLANK = re.compile(r"\{\{(\d+)\}\}")
RICH_OPTION = re.compile(  # an option that needs HTML: images, links, sound
    r"<(img|a|audio|video|sub|sup)\b", re.IGNORECASE
)
_PARAGRAPH = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def stem_html(version: QuestionVersion) -> Markup:
    """The stem's Markdown, sanitised, with each ``{{n}}`` of a fill-in question as a blank."""
    html = str(render_markdown(version.stem_md))
    if version.type == "fill_blank":
        html = _BLANK.sub(r'<span class="blank" data-blank="\1">(\1)</span>', html)
    return Markup(html)  # noqa: S704 - sanitised above; only our own span is added


def option_html(version: QuestionVersion, text: str) -> Markup:
    """An option's (or its feedback's) text as HTML: escaped, or for a question imported as
    HTML whose option holds an image, a link or sound, sanitised like a stem."""
    if version.text_format == "html" and RICH_OPTION.search(text or ""):
        html = str(render_markdown(text)).strip()
        return Markup(_PARAGRAPH.sub(r"\1", html))  # noqa: S704 - sanitised above
    return escape(text or "")


def correct_answer_text(version: QuestionVersion) -> str:
    kind = get_type(version.type)
    return kind.summary(version.definition, kind.correct_response(version.definition))

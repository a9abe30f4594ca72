"""User Markdown is rendered and sanitised (lms/core/markup.py)."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from lms.core.markup import render_markdown


def test_markdown_features():
    html = render_markdown(
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('x')\n```\n\nNote[^1].\n\n[^1]: Foot."
    )
    assert isinstance(html, Markup)
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert "<pre><code" in html
    assert 'class="footnote' in html


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<style>body{}</style>", "<style"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<form action="/x"><input></form>', "<form"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ('<a href="#" onclick="alert(1)">x</a>', "onclick"),
        ("[x](javascript:alert(1))", "javascript:"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
    ],
)
def test_dangerous_html_is_removed(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_external_links_get_noopener_nofollow():
    html = render_markdown("[site](https://example.org) and https://example.com")
    assert html.count('rel="noopener nofollow"') == 2


def test_empty():
    assert render_markdown(None) == ""
    assert render_markdown("") == ""

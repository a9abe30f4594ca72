"""User Markdown is rendered and sanitised (lms/core/markup.py)."""

from __future__ import annotations

from html.parser import HTMLParser

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


@pytest.mark.parametrize(
    "source",
    [
        "<scr<script>ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)//",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<svg><g onload="alert(1)"></g></svg>',
        '<div style="background:url(javascript:alert(1))">x</div>',
        "[x](JaVaScRiPt:alert(1))",
        '<a href="mailto:someone@example.org">mail</a>',
    ],
)
def test_malformed_and_disguised_html_is_neutralised(source):
    """What is left may show as text, but no element carries script, a handler or a style."""
    elements = _elements(str(render_markdown(source)))
    for tag, attributes in elements:
        assert tag not in {"script", "style", "svg", "iframe"}
        for name, value in attributes:
            assert not name.startswith("on")
            assert name != "style"
            assert not (value or "").lower().strip().startswith(("javascript", "mailto", "data"))


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_own_upload_links_survive():
    html = render_markdown("![map](/files/abc123/map.png) [guide](/files/def456/guide.pdf)")
    assert 'src="/files/abc123/map.png"' in html
    assert 'href="/files/def456/guide.pdf"' in html

"""User Markdown is rendered and sanitised (lms/core/markup.py)."""

from __future__ import annotations

import re
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
            assert not (value or "").lower().strip().startswith(("javascript", "data"))


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


@pytest.mark.parametrize(
    "href",
    [
        "javascript:123",
        "JavaScript:123",
        " javascript:123",
        "java\tscript:1",
        "java&#x09;script:1",
        "&#106;avascript:1",
        "javascript&#58;1",
        "javascript&colon;1",
        "jav\x00ascript:1",
        "vbscript:msgbox(1)",
        "data:text/html,1",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "x:y",
    ],
)
def test_only_http_https_mailto_and_relative_urls_survive(href):
    html = str(render_markdown(f'<a href="{href}">x</a> <img src="{href}" alt="i"> [y]({href})'))
    for _tag, attributes in _elements(html):  # attribute values as the browser reads them
        for name, value in attributes:
            if name in {"href", "src"}:
                plain = re.sub(r"[\x00-\x20]", "", value or "").lower()
                assert not re.match(r"[a-z][a-z0-9+.-]*:", plain), html


@pytest.mark.parametrize(
    "href",
    [
        "https://example.org/a:b",
        "HTTP://example.org",
        "mailto:someone@example.org",
        "/files/abc/x.pdf",
        "files/x.pdf",
        "?page=2",
        "#top",
    ],
)
def test_allowed_urls_survive(href):
    assert "href=" in str(render_markdown(f'<a href="{href}">x</a>'))


def test_ids_in_user_text_are_namespaced_with_their_links():
    html = str(render_markdown('<a id="attempt-form" href="#attempt-form">x</a>'))
    assert 'id="attempt-form"' not in html and 'href="#user-content-attempt-form"' in html
    spoof = str(render_markdown('<li id="attempt-form">x</li><sup id="q1">1</sup>'))
    assert 'id="attempt-form"' not in spoof and 'id="q1"' not in spoof
    notes = str(render_markdown("Note[^1].\n\n[^1]: Foot."))
    ids = re.findall(r'id="([^"]+)"', notes)
    links = re.findall(r'href="#([^"]+)"', notes)
    assert ids and all(i.startswith("user-content-") for i in ids)
    assert sorted(ids) == sorted(links)  # footnotes still jump both ways

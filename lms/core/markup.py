"""Markdown for user-authored text: python-markdown, then a bleach allow-list, then Markup.

Every ``*_md`` column reaches a page only through :func:`render_markdown`.
"""

from __future__ import annotations

from functools import lru_cache

import bleach
import markdown
from bleach.linkifier import Linker
from markupsafe import Markup

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "ol", "p",
        "pre", "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "u", "ul", "section",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": ["href", "title", "id", "class"],
    "abbr": ["title"],
    "img": ["src", "alt", "title", "width", "height"],
    "td": ["align"],
    "th": ["align"],
    "li": ["id"],
    "sup": ["id"],
    "div": ["class"],
    "code": ["class"],
    "span": ["class"],
    "ol": ["start"],
}
ALLOWED_PROTOCOLS = frozenset({"http", "https"})  # and relative links: our own uploads
EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]


def _link_attributes(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href and not href.startswith("#"):
        attrs[(None, "rel")] = "noopener nofollow"
    return attrs


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"}).linkify(cleaned)


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to safe HTML. Results are cached by their source text."""
    if not text:
        return Markup("")
    return Markup(_render(text))  # noqa: S704 - sanitised by bleach above

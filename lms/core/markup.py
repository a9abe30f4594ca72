"""Markdown for user-authored text: python-markdown, then a bleach allow-list, then Markup.

Every ``*_md`` column reaches a page only through :func:`render_markdown`. Links and images
point only at http, https, mailto or relative addresses; every ``id`` an author's text carries is
namespaced (``user-content-``) with the in-page links to it, so it never names an element of
the page around it (``<a id="attempt-form">`` would otherwise stand for the attempt's form).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import bleach
import markdown
from bleach.html5lib_shim import Filter, convert_entities
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
    "a": ["href", "title", "class"],
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
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})  # and relative links: our uploads
URL_ATTRIBUTES = frozenset({"href", "src"})
ID_PREFIX = "user-content-"
EXTENSIONS = ["tables", "fenced_code", "footnotes", "sane_lists"]
# What browsers ignore inside a URL's scheme (controls, spaces, and so on), as bleach strips it.
_IGNORED_IN_URL = re.compile(r"[`\x00-\x20\x7f-\xa0\s\ufffd]+")
_SCHEME = re.compile(r"^([^/?#]*):")


def is_safe_url(value: str) -> bool:
    """An http, https or mailto URL, or a relative one (no scheme at all), however disguised:
    entities, case, and controls or spaces inside the scheme are seen through."""
    plain = _IGNORED_IN_URL.sub("", convert_entities(value)).lower()
    scheme = _SCHEME.match(plain)
    return scheme is None or scheme.group(1) in ALLOWED_PROTOCOLS


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name not in ALLOWED_ATTRIBUTES.get(tag, ()):
        return False
    return name not in URL_ATTRIBUTES or is_safe_url(value)


class _NamespacedIds(Filter):
    """``id="x"`` becomes ``id="user-content-x"``, and ``href="#x"`` follows it."""

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for token in super().__iter__():
            attributes = token.get("data") if token["type"] in ("StartTag", "EmptyTag") else None
            if attributes:
                element_id = attributes.get((None, "id"))
                if element_id:
                    attributes[(None, "id")] = ID_PREFIX + element_id
                href = attributes.get((None, "href"))
                if href and href.startswith("#") and len(href) > 1:
                    attributes[(None, "href")] = "#" + ID_PREFIX + href[1:]
            yield token


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[_NamespacedIds],
)


def _link_attributes(attrs: dict, new: bool = False) -> dict:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if href and not href.startswith("#"):
        attrs[(None, "rel")] = "noopener nofollow"
    return attrs


@lru_cache(maxsize=2048)
def _render(text: str) -> str:
    html = markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    cleaned = _CLEANER.clean(html)
    return Linker(callbacks=[_link_attributes], skip_tags={"pre", "code"}).linkify(cleaned)


def render_markdown(text: str | None) -> Markup:
    """Render user Markdown to safe HTML. Results are cached by their source text."""
    if not text:
        return Markup("")
    return Markup(_render(text))  # noqa: S704 - sanitised by bleach above

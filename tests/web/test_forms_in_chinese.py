"""Every form page, rendered in Chinese, offers no English choice (A2 of issue 15).

Choices built once at import time with ``str(_l(...))`` froze in the language of whoever
imported the module first. This walks every page an admin can GET, plus each question type's
form, and reads the text of every ``<option>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask

from question_bank.forms import FIELDS_OF_TYPE
from tests.factories import UserFactory
from tests.web.competitions import audience_results
from tests.web.samples import sample_objects
from tests.web.test_route_matrix import _url

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u3400-\u9fff]")
# Proper data values, not interface text: a language's own name, file formats, and the names
# the sample objects and factories were given ("Unit 3").
DATA_VALUES = {
    "English",
    "CSV",
    "Excel (.xlsx)",
    "GIFT (.txt, Moodle)",
    "Moodle XML (.xml)",
    "Aiken (.txt)",
    "Sample",
    "Empty",
    "Sample course · Module one",
}
FACTORY_NAME = re.compile(r"Unit \d+")


class _Options(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "option":
            self._open = []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("option", "select") and self._open is not None:
            self.texts.append("".join(self._open).strip())
            self._open = None


def _option_texts(html: str) -> list[str]:
    parser = _Options()
    parser.feed(html)
    return parser.texts


def _page_urls(app: Flask, objects: dict) -> list[str]:
    urls = [f"/bank/questions/new?type={kind}" for kind in FIELDS_OF_TYPE]
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = _url(app, rule.endpoint, rule.rule, objects)
        if not url.startswith("/api/"):
            urls.append(url)
    return urls


def test_no_form_page_offers_english_choices_in_chinese(
    app: Flask, client, db, login_as, monkeypatch
) -> None:
    admin = UserFactory(username="admin-zh", role="admin")
    objects = sample_objects()
    award = audience_results.url_values(objects)  # made once: each call adds an award
    monkeypatch.setattr(audience_results, "url_values", lambda _objects: award)
    db.session.commit()
    login_as(admin)
    english: dict[str, list[str]] = {}
    pages = 0
    for url in _page_urls(app, objects):
        response = client.get(url, headers=ZH)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        html = response.get_data(as_text=True)
        if "<option" not in html:
            continue
        pages += 1
        assert 'lang="zh-Hans"' in html, url
        found = [
            text
            for text in _option_texts(html)
            if WORD.search(text)
            and not CHINESE.search(text)
            and text not in DATA_VALUES
            and not FACTORY_NAME.fullmatch(text)
        ]
        if found:
            english[url] = found
    assert pages > 20
    assert english == {}, repr(english)

"""Every form page offers its choices in the page's language (A2 of issue 15).

Choices built once at import time with ``str(_l(...))`` froze in the language of whoever
imported the module first. This walks every page an admin can GET, plus each question type's
form, and reads the text of every ``<option>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask

from tests.formfill import parse_forms
from tests.web.form_pages import admin_pages

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept-Language": "en"}
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
    "Sample quiz",
}
FACTORY_NAME = re.compile(r"Unit \d+")


def _option_texts(html: str) -> list[str]:
    return [
        text
        for form in parse_forms(html)
        for control in form.controls
        for _value, text, _selected in control.options
    ]


def _wrong_options(
    app, client, db, login_as, monkeypatch, headers, lang, wrong: Callable[[str], bool]
) -> dict[str, list[str]]:
    """Per page with choices (in ``lang``), the option texts that ``wrong`` picks out."""
    pages = 0
    found: dict[str, list[str]] = {}
    for url, html in admin_pages(app, client, db, login_as, monkeypatch, headers):
        if "<option" not in html:
            continue
        pages += 1
        assert f'lang="{lang}"' in html, url
        if texts := [text for text in _option_texts(html) if wrong(text)]:
            found[url] = texts
    assert pages > 20
    return found


def _english(text: str) -> bool:
    return bool(
        WORD.search(text)
        and not CHINESE.search(text)
        and text not in DATA_VALUES
        and not FACTORY_NAME.fullmatch(text)
    )


def test_no_form_page_offers_english_choices_in_chinese(
    app: Flask, client, db, login_as, monkeypatch
) -> None:
    english = _wrong_options(app, client, db, login_as, monkeypatch, ZH, "zh-Hans", _english)
    assert english == {}, repr(english)


def test_no_form_page_offers_chinese_choices_in_english(
    app: Flask, client, db, login_as, monkeypatch
) -> None:
    """Whichever language a choice list froze in, the other interface shows it: check both."""

    def chinese(text: str) -> bool:
        return bool(CHINESE.search(text)) and text != "简体中文"

    found = _wrong_options(app, client, db, login_as, monkeypatch, EN, "en", chinese)
    assert found == {}, repr(found)

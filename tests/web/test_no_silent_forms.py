"""No form comes back silently: every page's own form, sent as the page offers it, either
saves (a redirect, or another page such as a report) or says why it did not. Issue 15, A1: the
question form re-rendered with no message, as it required fields the page never showed."""

from __future__ import annotations

from flask import Flask

from tests.formfill import parse_forms, submit_form
from tests.web.form_pages import admin_pages

EN = {"Accept-Language": "en"}


def _posts_back(url: str, attrs: dict[str, str]) -> bool:
    return attrs.get("method", "").lower() == "post" and attrs.get("action", "") in (
        "",
        url,
        url.split("?", maxsplit=1)[0],
    )


def test_every_form_sent_as_offered_saves_or_says_why(
    app: Flask, client, db, login_as, monkeypatch, csrf_enabled
) -> None:
    silent: dict[str, int] = {}
    sent = 0
    pages = list(admin_pages(app, client, db, login_as, monkeypatch, EN))
    for url, html in pages:
        if not any(_posts_back(url, form.attrs) for form in parse_forms(html)):
            continue
        sent += 1
        response = submit_form(client, url, headers=EN)
        assert response.status_code < 500, (url, response.get_data(as_text=True)[:2000])
        if response.status_code in (302, 303):
            continue
        page = response.get_data(as_text=True)
        same_form_again = any(_posts_back(url, form.attrs) for form in parse_forms(page))
        if same_form_again and 'class="flash flash-error' not in page:
            silent[url] = response.status_code
    assert sent > 15
    assert silent == {}

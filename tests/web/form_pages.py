"""Every page an admin can open, for tests that look at all of the app's forms."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from question_bank.forms import FIELDS_OF_TYPE
from tests.factories import UserFactory
from tests.web.competitions import audience_results
from tests.web.samples import sample_objects
from tests.web.test_route_matrix import _url


def _page_urls(app: Flask, objects: dict[str, Any]) -> list[str]:
    urls = [f"/bank/questions/new?type={kind}" for kind in FIELDS_OF_TYPE]
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        url = _url(app, rule.endpoint, rule.rule, objects)
        if not url.startswith("/api/"):
            urls.append(url)
    return urls


def admin_pages(
    app: Flask,
    client: FlaskClient,
    db: Any,
    login_as: Any,
    monkeypatch: pytest.MonkeyPatch,
    headers: dict[str, str],
) -> Iterator[tuple[str, str]]:
    """(url, html) of every HTML page an admin opens with the sample objects of the route
    matrix, and of each question type's form."""
    admin = UserFactory(username="admin-pages", role="admin")
    objects = sample_objects()
    award = audience_results.url_values(objects)  # made once: each call adds an award
    monkeypatch.setattr(audience_results, "url_values", lambda _objects: award)
    db.session.commit()
    login_as(admin)
    for url in _page_urls(app, objects):
        response = client.get(url, headers=headers)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        yield url, response.get_data(as_text=True)

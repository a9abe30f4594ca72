"""Every state-changing route refuses a browser request without the CSRF token.

The walk covers every rule of ``app.url_map`` that accepts POST, PUT, PATCH or DELETE, so a new
mutating route is checked the day it is added.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask, url_for
from sqlalchemy import func, select

from lms.core.extensions import db as _db
from tests.factories import UserFactory
from tests.web.live import audience as live_audience
from tests.web.live import audience_pages as live_pages_audience
from tests.web.notifications import audience as notifications_audience
from tests.web.notifications import audience_announcements
from tests.web.points import audience_hours
from tests.web.samples import quiz_url_values, sample_objects
from tests.web.stage import audience as stage_audience

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def _mutating_rules() -> list[tuple[str, str, str]]:
    from lms.app import create_app  # noqa: PLC0415 - collection-time look at the routes

    app = create_app("testing", DATABASE_URL="sqlite://")
    return [
        (rule.endpoint, rule.rule, method)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
        for method in sorted((rule.methods or set()) & MUTATING)
    ]


def _row_counts() -> dict[str, int]:
    return {
        table.name: _db.session.scalar(select(func.count()).select_from(table))
        for table in _db.metadata.sorted_tables
    }


def _url(app: Flask, endpoint: str, rule_text: str, objects: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule_text)
    values = {
        "user_id": objects["user"].id,
        "unit_id": objects["unit"].id,
        "secret": "x",
        "course_id": objects["course"].id,
        "comment_id": objects["comment"].id,
        "question_id": objects["question"].id,
        "category_id": objects["question"].category_id,
        "attachment_id": objects["attachment"].id,
        "module_id": objects["module"].id,
        "item_id": objects["activity"].id
        if endpoint.startswith("activities.")
        else objects["item"].id,
        "webhook_id": 1,
        "token_id": 1,
    }
    values.update(quiz_url_values(objects))
    values = {
        **stage_audience.URL_VALUES,
        **audience_hours.URL_VALUES,
        **notifications_audience.URL_VALUES,
        **values,
    }
    if "announcement_id" in rule.arguments:
        values.update(audience_announcements.url_values(objects))
    if endpoint.startswith("live."):
        values.update(live_pages_audience.url_values(objects))
    elif "session_id" in rule.arguments:
        values.update(live_audience.url_values(objects))
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.fixture
def signed_in_admin(client, db, login_as) -> dict[str, Any]:
    objects = sample_objects()
    login_as(UserFactory(username="boss", role="admin"))
    db.session.commit()
    return objects


def _send(client, url: str, method: str, headers: dict[str, str] | None = None) -> Any:
    if url.startswith("/api/"):
        return client.open(url, method=method, json={"username": "x"}, headers=headers or {})
    return client.open(url, method=method, data={"name": "x", "language": "en"}, headers=headers)


@pytest.mark.parametrize(("endpoint", "rule", "method"), _mutating_rules())
def test_request_without_token_is_refused_and_changes_nothing(
    app: Flask, client, db, csrf_enabled, signed_in_admin, endpoint: str, rule: str, method: str
) -> None:
    url = _url(app, endpoint, rule, signed_in_admin)
    before = _row_counts()

    response = _send(client, url, method)

    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "bad_request"
    else:
        assert "text/html" in response.content_type
        assert 'href="/"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert _row_counts() == before


@pytest.mark.parametrize(("endpoint", "rule", "method"), _mutating_rules())
def test_request_with_the_pages_token_passes_the_check(
    app: Flask, client, db, csrf_enabled, signed_in_admin, endpoint: str, rule: str, method: str
) -> None:
    token = TOKEN.search(client.get("/profile").get_data(as_text=True)).group(1)
    url = _url(app, endpoint, rule, signed_in_admin)
    body = {"csrf_token": token, "name": "x", "language": "en"}
    if url.startswith("/api/"):
        response = client.open(url, method=method, json={}, headers={"X-CSRFToken": token})
    else:
        response = client.open(url, method=method, data=body)
    if response.status_code == 400:
        assert "CSRF" not in response.get_data(as_text=True)
        assert "表单已过期" not in response.get_data(as_text=True)
    assert response.status_code < 500


def test_bearer_token_requests_need_no_csrf_token(client, db, csrf_enabled) -> None:
    UserFactory(username="script", password="script-pass-1")
    db.session.commit()
    issued = client.post(
        "/api/v1/auth/token", json={"username": "script", "password": "script-pass-1"}
    )
    assert issued.status_code == 200
    bearer = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    assert client.delete("/api/v1/auth/token", headers=bearer).get_json() == {"revoked": True}

"""The JSON API foundation: tokens, /me, JSON errors, the OpenAPI document (DESIGN.md §6)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Flask

from tests.factories import PASSWORD, OrgUnitFactory, UserFactory


def _token(client, username: str = "member1", password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_token_and_me(client, db):
    unit = OrgUnitFactory(
        name="G1", parent=OrgUnitFactory(name="B1", parent=OrgUnitFactory(name="Org"))
    )
    UserFactory(username="member1", display_name="张三", unit=unit, language="en")
    db.session.commit()
    issued = client.post("/api/v1/auth/token", json={"username": "member1", "password": PASSWORD})
    body = issued.get_json()
    assert set(body) == {"token", "expires_at"}
    assert datetime.fromisoformat(body["expires_at"]).utcoffset() is not None

    me = client.get("/api/v1/me", headers=_bearer(body["token"])).get_json()
    assert set(me) >= {"id", "username", "display_name", "role", "unit", "language"}
    assert me["username"] == "member1"
    assert me["display_name"] == "张三"
    assert me["role"] == "member"
    assert me["unit"] == "Org/B1/G1"
    assert me["language"] == "en"


def test_wrong_credentials_and_bad_bodies(client, member):
    wrong = client.post("/api/v1/auth/token", json={"username": "member1", "password": "nope"})
    assert wrong.status_code == 401
    assert wrong.get_json()["error"]["code"] == "invalid_credentials"
    not_json = client.post("/api/v1/auth/token", data="username=member1")
    assert not_json.status_code == 400
    assert set(not_json.get_json()["error"]) >= {"code", "message"}


def test_missing_invalid_revoked_and_expired_tokens(client, member, clock, app):
    assert client.get("/api/v1/me").status_code == 401
    bad = client.get("/api/v1/me", headers=_bearer("made-up"))
    assert bad.status_code == 401
    assert bad.get_json()["error"]["code"] == "invalid_token"

    token = _token(client)
    assert client.delete("/api/v1/auth/token", headers=_bearer(token)).status_code == 200
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401

    token = _token(client)
    clock.advance(hours=app.config["API_TOKEN_TTL_HOURS"], seconds=1)
    assert client.get("/api/v1/me", headers=_bearer(token)).status_code == 401


def test_session_json_calls_need_the_csrf_token(client, member, login_as, csrf_enabled):
    login_as(member)
    assert client.get("/api/v1/me").get_json()["username"] == "member1"
    refused = client.post("/api/v1/auth/token", json={"username": "member1", "password": PASSWORD})
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "bad_request"


def test_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_openapi_lists_every_api_route(app: Flask, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    listed = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert (path, method) in listed
    me = document["paths"]["/api/v1/me"]["get"]
    assert set(me["responses"]["200"]["content"]["application/json"]["schema"]["required"]) == {
        "id", "username", "display_name", "role", "unit", "language", "calendar_url"
    }  # fmt: skip

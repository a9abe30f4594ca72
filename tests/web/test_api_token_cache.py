"""A worker remembers whom a bearer token belongs to (token_cache) while the "people" version
stamp stands: a change made through the app on any server applies at once everywhere."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from lms.accounts.models import User
from lms.accounts.services import token_cache
from lms.accounts.services.tokens import revoke_api_token
from lms.accounts.services.users import set_active, update_profile
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def token(client, db) -> str:
    UserFactory(username="cached", display_name="Cached")
    db.session.commit()
    response = client.post("/api/v1/auth/token", json={"username": "cached", "password": PASSWORD})
    return response.get_json()["token"]


def _me(client, token: str):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _elsewhere(db, sql: str) -> None:
    """A change made by another worker: straight to the database, past this worker's session.
    Then the read this test's shared session may still hold (a response that read after its
    commit) ends, as every real request starts in a session of its own."""
    with db.engine.begin() as connection:
        connection.execute(text(sql))
    db.session.commit()


def test_a_remembered_token_needs_no_query_and_is_kept_by_digest(client, db, token, count_queries):
    assert _me(client, token).status_code == 200
    with count_queries() as counter:
        assert _me(client, token).get_json()["username"] == "cached"
    assert not any("api_tokens" in statement for statement in counter.statements)
    assert token not in str(list(token_cache._entries))


def test_changes_in_this_worker_apply_at_once(client, db, token):
    assert _me(client, token).status_code == 200
    set_active(_user(db), False)
    db.session.commit()
    assert _me(client, token).status_code == 401


def test_revoking_in_this_worker_applies_at_once(client, db, token):
    headers = {"Authorization": f"Bearer {token}"}
    assert _me(client, token).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code in (200, 204)
    assert _me(client, token).status_code == 401


@pytest.mark.parametrize("change", ["revoke", "deactivate", "rename"])
def test_changes_on_another_server_apply_at_once(
    db, token, second_server, in_another_process, change
):
    on_b = second_server.test_client()
    assert _me(on_b, token).status_code == 200
    assert _me(on_b, token).status_code == 200  # remembered on B
    actions = {
        "revoke": lambda: revoke_api_token(token),
        "deactivate": lambda: set_active(_user(db), False),
        "rename": lambda: update_profile(_user(db), display_name="Renamed", language=None),
    }
    in_another_process(actions[change])
    answer = _me(on_b, token)
    if change == "rename":
        assert answer.get_json()["display_name"] == "Renamed"
    else:
        assert answer.status_code == 401


def test_changes_behind_the_apps_back_apply_within_the_memory_time(
    client, db, token, app, monkeypatch
):
    assert _me(client, token).status_code == 200
    _elsewhere(db, "UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP")
    assert _me(client, token).status_code == 200  # still remembered here
    later = token_cache.time.monotonic() + app.config["API_TOKEN_CACHE_SECONDS"]
    monkeypatch.setattr(token_cache.time, "monotonic", lambda: later)
    assert _me(client, token).status_code == 401


def test_a_remembered_token_still_expires_on_the_servers_clock(clock, client, db, token, app):
    assert _me(client, token).status_code == 200
    clock.advance(hours=app.config["API_TOKEN_TTL_HOURS"], seconds=1)
    assert _me(client, token).status_code == 401


def test_zero_seconds_turns_the_memory_off(client, db, token, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_CACHE_SECONDS", 0)
    token_cache.forget_all()
    assert _me(client, token).status_code == 200
    _elsewhere(db, "UPDATE users SET is_active = false WHERE username = 'cached'")
    assert _me(client, token).status_code == 401


def _user(db) -> User:
    return db.session.scalar(select(User).where(User.username == "cached"))

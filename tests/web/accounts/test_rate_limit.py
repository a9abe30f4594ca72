"""Guessing passwords is rate limited: the 11th failed try within a minute gets 429."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.web.accounts.helpers import log_in

EN = {"Accept-Language": "en"}


def test_eleventh_failed_login_gets_429_page(client, member):
    for _ in range(10):
        assert log_in(client, "member1", "wrong-password").status_code == 200
    response = client.post(
        "/login", data={"username": "member1", "password": "wrong-password"}, headers=EN
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert 'href="/"' in page
    # Even the right password waits now: the address is locked out for the minute.
    assert log_in(client, "member1", PASSWORD).status_code == 429


def test_successful_logins_do_not_count(client, member):
    for _ in range(12):
        assert log_in(client, "member1", PASSWORD).status_code == 302
        client.post("/logout")


def test_the_page_and_the_api_share_one_counter(client, member):
    for _ in range(5):
        log_in(client, "member1", "wrong-password")
    for _ in range(5):
        response = client.post(
            "/api/v1/auth/token", json={"username": "member1", "password": "wrong-password"}
        )
        assert response.status_code == 401
    refused = client.post(
        "/api/v1/auth/token", json={"username": "member1", "password": "wrong-password"}
    )
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "rate_limited"


def test_other_addresses_are_not_affected(client, member):
    for _ in range(11):
        log_in(client, "member1", "wrong-password")
    other = client.post(
        "/login",
        data={"username": "member1", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 302

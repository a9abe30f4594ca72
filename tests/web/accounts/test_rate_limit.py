"""Guessing passwords is rate limited per account (10 a minute) and per address (higher)."""

from __future__ import annotations

from lms.accounts.models import LoginFailure
from lms.app import create_app
from tests.factories import PASSWORD
from tests.web.accounts.helpers import log_in, log_in_from, log_out

EN = {"Accept-Language": "en"}
WRONG = "wrong-password"


def test_eleventh_failed_login_gets_429_page(client, member):
    for _ in range(10):
        assert log_in(client, "member1", "wrong-password").status_code == 200
    response = log_in(client, "member1", "wrong-password", headers=EN)
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page
    assert 'href="/"' in page
    # Even the right password waits now: the address is locked out for the minute.
    assert log_in(client, "member1", PASSWORD).status_code == 429


def test_successful_logins_do_not_count(client, member):
    for _ in range(12):
        assert log_in(client, "member1", PASSWORD).status_code == 302
        log_out(client)


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


def test_an_account_is_limited_whatever_the_address(client, member):
    for n in range(10):
        assert log_in_from(client, f"10.0.0.{n + 1}", "member1", WRONG).status_code == 200
    assert log_in_from(client, "10.0.1.1", "MEMBER1 ", PASSWORD).status_code == 429


def test_colleagues_behind_one_address_are_not_locked_out(client, member, make_user):
    make_user(username="colleague")
    for _ in range(10):
        log_in_from(client, "10.0.0.9", "member1", WRONG)
    assert log_in_from(client, "10.0.0.9", "member1", PASSWORD).status_code == 429
    assert log_in_from(client, "10.0.0.9", "colleague", PASSWORD).status_code == 302


def test_an_address_is_limited_across_accounts_at_a_higher_count(app, client, member):
    per_address = int(app.config["LOGIN_RATE_LIMIT_ADDRESS"].split()[0])
    assert per_address > int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for n in range(per_address):
        assert log_in_from(client, "10.0.0.7", f"guess{n}", WRONG).status_code == 200
    assert log_in_from(client, "10.0.0.7", "member1", PASSWORD).status_code == 429
    assert log_in_from(client, "10.0.0.8", "member1", PASSWORD).status_code == 302


def test_two_workers_share_the_count_through_the_database(app, db, member):
    other = create_app("testing", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"])
    other.config["WTF_CSRF_ENABLED"] = False
    workers = [app.test_client(), other.test_client()]
    for attempt in range(10):
        assert log_in_from(workers[attempt % 2], "10.0.0.5", "member1", WRONG).status_code == 200
    assert log_in_from(workers[1], "10.0.0.6", "member1", PASSWORD).status_code == 429
    assert log_in_from(workers[0], "10.0.0.6", "member1", PASSWORD).status_code == 429


def test_the_window_moves_on_and_no_username_is_stored(client, db, member, clock):
    for _ in range(10):
        log_in_from(client, "10.0.0.4", "member1", WRONG)
    assert log_in_from(client, "10.0.0.4", "member1", PASSWORD).status_code == 429
    keys = db.session.scalars(db.select(LoginFailure.key)).all()
    assert len(keys) == 20 and not any("member1" in key for key in keys)
    clock.advance(seconds=61)
    assert log_in_from(client, "10.0.0.4", "member1", PASSWORD).status_code == 302


def test_a_longer_account_window_outlives_the_address_window(app, client, member, clock):
    app.config["LOGIN_RATE_LIMIT"] = "3 per hour"
    try:
        for n in range(3):
            log_in_from(client, f"10.0.3.{n}", "member1", WRONG)
        clock.advance(minutes=5)  # past the address window: its rows go, the account's stay
        log_in_from(client, "10.0.3.9", "someone", WRONG)
        assert log_in_from(client, "10.0.3.8", "member1", PASSWORD).status_code == 429
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "10 per minute"

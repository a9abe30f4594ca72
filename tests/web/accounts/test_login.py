"""Logging in and out through the login page."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.factories import PASSWORD
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_out

EN = {"Accept-Language": "en"}


def _login(client, username: str, password: str, url: str = "/login", **extra):
    data = {"username": username, "password": password, **extra}
    return submit_form(client, url, data, headers=EN)


def test_member_logs_in_and_sees_home(client, member):
    data = {"username": "member1", "password": PASSWORD}
    response = submit_form(client, "/login", data, follow_redirects=True)
    assert response.status_code == 200
    assert member.unit.path in response.get_data(as_text=True)


def test_username_is_case_insensitive(client, member):
    response = _login(client, "  MEMBER1 ", PASSWORD)
    assert response.status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_answer(client, member):
    known = _login(client, "member1", "wrong-password")
    unknown = _login(client, "nobody", "wrong-password")
    assert known.status_code == unknown.status_code == 200
    for response in (known, unknown):
        page = response.get_data(as_text=True)
        assert "The username or password is not correct." in page
        assert 'class="flash flash-error"' in page
    assert client.get("/profile").status_code == 302  # still a guest


def test_empty_form_is_refused_with_field_errors(client):
    response = submit_form(client, "/login", headers=EN)
    assert response.status_code == 200
    assert "field-errors" in response.get_data(as_text=True)


def test_remember_me_sets_a_protected_cookie(client, member):
    response = _login(client, "member1", PASSWORD, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    remember = [cookie for cookie in cookies if cookie.startswith("remember_token=")]
    assert remember
    assert "HttpOnly" in remember[0]
    assert "SameSite=Lax" in remember[0]


def test_without_remember_me_no_remember_cookie(client, member):
    response = _login(client, "member1", PASSWORD)
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_session_cookie_is_httponly_and_lax(client, member):
    response = _login(client, "member1", PASSWORD)
    session_cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")
    )
    assert "HttpOnly" in session_cookie
    assert "SameSite=Lax" in session_cookie


def test_logout_needs_post_and_ends_the_session(client, member, login_as):
    login_as(member)
    assert client.get("/logout").status_code == 405
    assert client.get("/profile").status_code == 200
    response = log_out(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert client.get("/profile").status_code == 302


def test_next_leads_back_to_the_page_asked_for(client, member):
    assert client.get("/profile").headers["Location"].endswith("/login?next=/profile")
    response = _login(client, "member1", PASSWORD, url="/login?next=/profile")
    assert response.headers["Location"] == "/profile"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)",
     "http:evil.example", "\t//evil.example"],
)  # fmt: skip
def test_next_never_leaves_the_site(client, member, target):
    response = _login(client, "member1", PASSWORD, url=f"/login?next={quote(target)}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logged_in_user_visiting_login_goes_home(client, member, login_as):
    login_as(member)
    assert client.get("/login").headers["Location"] == "/"

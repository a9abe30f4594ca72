"""Logging out, a new password and deactivation end every copy of a session (issue 15, D and E).

Sessions live in signed cookies, so a copy taken before logout would keep working unless the
server checks something it can change: the user's session version (``session_nonce``).
"""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_in, log_out

EN = {"Accept-Language": "en"}
NEW = {"current_password": PASSWORD, "new_password": "brand-new-pass", "confirm": "brand-new-pass"}


def _change_password(client, **kwargs):
    """Fill the change-password form."""
    return submit_form(client, "/password", NEW, **kwargs)


def _logged_in_copy(app, client, *, remember: bool = False):
    """Log ``client`` in through the form; a second client gets a copy of its cookies."""
    data = {"username": "member1", "password": PASSWORD, "remember": remember}
    assert submit_form(client, "/login", data).status_code == 302
    copy = app.test_client()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        if cookie is not None:
            copy.set_cookie(name, cookie.value)
    assert copy.get("/profile").status_code == 200
    return copy


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, client, member):
    copy = _logged_in_copy(app, client)
    log_out(client)
    assert copy.get("/profile").status_code == 302


def test_a_copied_session_dies_with_a_password_change_but_this_device_stays(app, client, member):
    copy = _logged_in_copy(app, client)
    changed = _change_password(client)
    assert changed.status_code == 302
    assert client.get("/profile").status_code == 200
    assert copy.get("/profile").status_code == 302


def test_a_copied_session_dies_with_deactivation(app, client, db, admin, member, login_as):
    copy = _logged_in_copy(app, client)
    log_out(client)
    copy = _logged_in_copy(app, client)
    staff = app.test_client()
    with staff.session_transaction() as session:
        session["_user_id"] = admin.get_id()
    active = f"/admin/users/{member.id}/active"
    assert submit_form(staff, f"/admin/users/{member.id}/edit", form=active).status_code == 302
    assert copy.get("/profile").status_code == 302
    assert client.get("/profile").status_code == 302


def test_logout_deletes_the_remember_cookie(app, client, member):
    _logged_in_copy(app, client, remember=True)
    response = log_out(client)
    deleted = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert deleted
    assert "Expires=Thu, 01 Jan 1970" in deleted[0] or "Max-Age=0" in deleted[0]
    assert client.get("/profile").status_code == 302


def test_a_remember_cookie_copied_before_logout_is_dead_after_it(app, client, member):
    _logged_in_copy(app, client, remember=True)
    remember = client.get_cookie("remember_token").value
    log_out(client)
    stranger = app.test_client()
    stranger.set_cookie("remember_token", remember)  # no session cookie: remember-me alone
    assert stranger.get("/profile").status_code == 302


def test_a_remember_cookie_dies_with_a_password_change(app, client, member):
    _logged_in_copy(app, client, remember=True)
    remember = client.get_cookie("remember_token").value
    _change_password(client)
    stranger = app.test_client()
    stranger.set_cookie("remember_token", remember)
    assert stranger.get("/profile").status_code == 302


def test_this_device_stays_remembered_after_a_password_change(app, client, member):
    _logged_in_copy(app, client, remember=True)
    _change_password(client)
    restarted = app.test_client()  # the browser restarted: only the remember-me cookie is left
    restarted.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert restarted.get("/profile").status_code == 200


def test_a_password_change_revokes_api_tokens(client, member):
    token = client.post(
        "/api/v1/auth/token", json={"username": "member1", "password": PASSWORD}
    ).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200
    log_in(client, "member1", PASSWORD)
    response = _change_password(client, headers=EN, follow_redirects=True)
    assert "API tokens" in response.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=bearer).status_code == 401

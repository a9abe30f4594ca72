"""Admin-issued one-time password-reset links."""

from __future__ import annotations

import re

from tests.factories import PASSWORD
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_in, log_out

LINK = re.compile(r'data-testid="reset-url" data-select-on-focus value="[^"]*(/reset/[^"]+)"|'
                  r'value="[^"]*(/reset/[^"]+)"')  # fmt: skip


def _issue(client, user) -> str:
    url = f"/admin/users/{user.id}/edit"
    page = submit_form(client, url, form=f"/admin/users/{user.id}/reset-link").get_data(True)
    match = LINK.search(page)
    assert match, page
    return match.group(1) or match.group(2)


def _reset(client, path: str, password: str):
    return submit_form(client, path, {"new_password": password, "confirm": password})


def test_link_sets_a_new_password_once(app, client, db, admin, member, login_as):
    login_as(admin)
    path = _issue(client, member)
    log_out(client)

    assert client.get(path).status_code == 200
    assert _reset(client, path, "fresh-pass-1").headers["Location"].endswith("/login")
    login = log_in(client, "member1", "fresh-pass-1")
    assert login.status_code == 302
    log_out(client)

    assert client.get(path).status_code == 404
    again = {"new_password": "again-pass-2", "confirm": "again-pass-2"}
    assert client.post(path, data=again).status_code == 404  # by hand: the used link's page is 404
    assert log_in(client, "member1", PASSWORD).status_code == 200


def test_link_expires(client, db, admin, member, login_as, clock, app):
    login_as(admin)
    path = _issue(client, member)
    clock.advance(hours=app.config["PASSWORD_RESET_TTL_HOURS"], seconds=1)
    assert client.get(path).status_code == 404
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Ask an administrator for a new one." in page


def test_newer_link_cancels_the_older(client, db, admin, member, login_as):
    login_as(admin)
    first = _issue(client, member)
    second = _issue(client, member)
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_reset_ends_existing_sessions(app, client, db, admin, member, login_as):
    device = app.test_client()
    with device.session_transaction() as session:
        session["_user_id"] = member.get_id()
    login_as(admin)
    path = _issue(client, member)
    _reset(client, path, "fresh-pass-1")
    assert device.get("/profile").status_code == 302


def test_too_short_password_keeps_the_link_usable(client, db, admin, member, login_as):
    login_as(admin)
    path = _issue(client, member)
    assert _reset(client, path, "short").status_code == 200
    assert client.get(path).status_code == 200


def test_unknown_link_is_a_friendly_404(client):
    response = client.get("/reset/nothing-here")
    assert response.status_code == 404
    assert 'href="/login"' in response.get_data(as_text=True)

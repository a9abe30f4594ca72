"""Changing one's password and profile."""

from __future__ import annotations

from lms.accounts.models import User
from tests.factories import PASSWORD
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_in, log_out

EN = {"Accept-Language": "en"}


def _change(client, current: str, new: str, confirm: str | None = None):
    data = {"current_password": current, "new_password": new, "confirm": confirm or new}
    return submit_form(client, "/password", data, headers=EN)


def test_wrong_current_password_changes_nothing(client, db, member, login_as):
    login_as(member)
    before = member.password_hash
    response = _change(client, "not-my-password", "brand-new-pass")
    assert response.status_code == 200
    assert "The current password is not correct." in response.get_data(as_text=True)
    db.session.refresh(member)
    assert member.password_hash == before


def test_short_and_mismatched_passwords_are_refused(client, db, member, login_as):
    login_as(member)
    before = member.password_hash
    short = _change(client, PASSWORD, "short")
    assert "at least 8 characters" in short.get_data(as_text=True)
    mismatch = _change(client, PASSWORD, "brand-new-pass", "other-new-pass")
    assert "The passwords differ." in mismatch.get_data(as_text=True)
    same_as_name = _change(client, PASSWORD, "MEMBER1")
    assert "at least 8" in same_as_name.get_data(as_text=True)
    db.session.refresh(member)
    assert member.password_hash == before


def test_new_password_works_and_other_sessions_end(app, client, db, member, login_as):
    other_device = app.test_client()
    with other_device.session_transaction() as session:
        session["_user_id"] = member.get_id()
    assert other_device.get("/profile").status_code == 200
    login_as(member)

    response = _change(client, PASSWORD, "brand-new-pass")
    assert response.status_code == 302

    assert client.get("/profile").status_code == 200  # this device stays logged in
    assert other_device.get("/profile").status_code == 302  # the other one is logged out
    log_out(client)
    assert log_in(client, "member1", PASSWORD).status_code == 200
    assert log_in(client, "member1", "brand-new-pass").status_code == 302


def test_profile_saves_name_and_language(client, db, member, login_as):
    login_as(member)
    page = client.get("/profile").get_data(as_text=True)
    assert member.unit.path in page
    assert '<html lang="zh-Hans"' in page
    response = submit_form(client, "/profile", {"display_name": "  New   Name ", "language": "en"})
    assert response.status_code == 302
    saved = db.session.get(User, member.id)
    assert (saved.display_name, saved.language) == ("New Name", "en")
    assert '<html lang="en"' in client.get("/profile").get_data(as_text=True)


def test_profile_refuses_an_empty_name_and_an_unknown_language(client, db, member, login_as):
    login_as(member)
    before = member.display_name
    assert submit_form(client, "/profile", {"display_name": "", "language": ""}).status_code == 200
    unknown = {"display_name": "X", "language": "fr"}  # by hand: the page offers no "fr"
    assert client.post("/profile", data=unknown).status_code == 200
    db.session.refresh(member)
    assert member.display_name == before
    assert member.language is None

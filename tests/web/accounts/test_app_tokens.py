"""Signing in an app from the profile (members who log in through OpenID Connect have no
password for ``POST /api/v1/auth/token``): a token shown once, the apps signed in, signing one
out; nobody reaches another person's tokens."""

from __future__ import annotations

import re

from lms.accounts.services import tokens
from tests.factories import UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _token_on(page: str) -> str:
    match = re.search(r'<input id="token" type="text" readonly value="([^"]+)"', page)
    assert match is not None, "the new token is on the page"
    return match.group(1)


def test_a_token_made_on_the_page_signs_an_app_in_until_signed_out(client, db, login_as):
    member = login_as(UserFactory(username="oidc-only", auth_source="oidc"))
    db.session.commit()
    empty = client.get("/profile/apps", headers=EN).get_data(as_text=True)
    assert "No app is signed in as you." in empty

    made = submit_form(client, "/profile/apps", form="/profile/apps/new", headers=EN)
    assert made.status_code == 200
    secret = _token_on(made.get_data(as_text=True))
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["username"] == "oidc-only"
    listed = client.get("/profile/apps", headers=EN).get_data(as_text=True)
    assert secret not in listed  # shown once, never again
    assert listed.count("Sign out this app") == 1

    submit_form(
        client,
        "/profile/apps",
        form=f"/profile/apps/{tokens.active_api_tokens(member)[0].id}/revoke",
    )
    refused = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401
    assert tokens.active_api_tokens(member) == []


def test_nobody_signs_out_another_persons_app(client, db, login_as):
    owner = UserFactory(username="owner")
    theirs = tokens.issue_api_token(owner)
    db.session.commit()
    token_id = tokens.active_api_tokens(owner)[0].id
    login_as(UserFactory(username="other"))
    page = client.get("/profile/apps").get_data(as_text=True)
    assert f"/profile/apps/{token_id}/revoke" not in page
    response = client.post(f"/profile/apps/{token_id}/revoke")
    assert response.status_code == 302
    assert [t.id for t in tokens.active_api_tokens(owner)] == [token_id]
    assert tokens.user_for_api_token(theirs.secret) == owner


def test_making_a_token_needs_the_forms_csrf_token(client, db, login_as, csrf_enabled):
    member = login_as(UserFactory())
    db.session.commit()
    response = client.post("/profile/apps/new", headers=EN, follow_redirects=True)
    assert "The form expired" in response.get_data(as_text=True)
    assert tokens.active_api_tokens(member) == []

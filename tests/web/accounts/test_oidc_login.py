"""OpenID Connect sign-in through the test client and a local provider (tests/oidc_provider.py)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask_babel import force_locale

from lms.accounts.models import User
from lms.accounts.services import oidc_login
from lms.accounts.services.directory_users import DirectoryError
from lms.accounts.services.login_methods import LdapSettings, LoginMethods, OidcSettings, configure
from lms.core.extensions import db as database
from lms.notifications.services import email_of
from tests.factories import PASSWORD, UserFactory
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET

EN = {"Accept-Language": "en"}


def provider_settings(issuer: str, **changes: str) -> OidcSettings:
    return OidcSettings(
        issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        button_label="用企业账号登录", role_claim="groups",
        role_rules="lms-organizers -> organizer", unit_claim="department",
        unit_rules="SALES -> Example/Sales", default_unit="Example", **changes,
    )  # fmt: skip


def use_oidc(issuer: str, **changes: str) -> None:
    configure(LoginMethods(local=True, oidc=True), LdapSettings(),
              provider_settings(issuer, **changes))  # fmt: skip
    database.session.commit()


@pytest.fixture
def oidc_on(db, oidc_provider):
    use_oidc(oidc_provider.issuer)
    return oidc_provider


def sign_in_at_provider(client, who: str, next_url: str = "") -> object:
    """Follow the login button to the provider, sign in there as ``who``, come back."""
    start = client.get("/login/oidc/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["nonce"] and query["state"] and query["scope"] == ["openid profile email"]
    back = requests.post(authorize, data={"username": who}, allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    assert callback.path == "/login/oidc/callback"
    return client.get(f"{callback.path}?{callback.query}")


def test_the_provider_signs_people_in_and_claims_map_to_role_and_unit(client, oidc_on):
    assert "用企业账号登录" in client.get("/login").get_data(as_text=True)
    response = sign_in_at_provider(client, "li.na", next_url="/courses/")
    assert response.headers["Location"] == "/courses/"
    user = database.session.query(User).filter_by(username="li.na").one()
    assert (user.display_name, user.role, user.unit.path) == ("李娜", "organizer", "Example/Sales")
    assert (user.auth_source, user.external_id) == ("oidc", "sub-li-na")
    assert email_of(user) == "li.na@example.org"  # verified: email notifications go there
    assert client.get("/profile").status_code == 200  # logged in
    client.post("/logout")
    oidc_on.people["li.na"] = {**oidc_on.people["li.na"], "name": "李娜娜", "groups": []}
    try:
        sign_in_at_provider(client, "li.na")
    finally:
        oidc_on.people["li.na"]["name"], oidc_on.people["li.na"]["groups"] = "李娜", ["staff"]
    database.session.refresh(user)
    assert (user.display_name, user.role) == ("李娜娜", "organizer")  # unmapped: kept
    client.post("/logout")
    assert sign_in_at_provider(client, "wang").headers["Location"] == "/"
    wang = database.session.query(User).filter_by(username="wang").one()
    assert (wang.role, wang.unit.path) == ("member", "Example")  # no rule: the default unit
    assert email_of(wang) is None  # the provider says the address is not verified


def test_an_account_deactivated_here_stays_out(client, oidc_on):
    UserFactory(username="wang", auth_source="oidc", external_id="sub-wang", is_active=False)
    response = sign_in_at_provider(client, "wang")
    assert response.headers["Location"] == "/login"
    assert "此账号已在本站停用。" in client.get("/login").get_data(as_text=True)


def test_with_only_the_provider_the_password_form_is_for_administrators(client, oidc_on):
    configure(LoginMethods(local=False, oidc=True), LdapSettings(),
              provider_settings(oidc_on.issuer))  # fmt: skip
    database.session.commit()
    page = client.get("/login", headers=EN).get_data(as_text=True)
    assert "<summary>Administrators log in with a password</summary>" in page
    assert "<details open>" not in page


def test_a_return_that_was_not_started_here_is_refused(client, oidc_on):
    response = client.get("/login/oidc/callback?code=x&state=forged", follow_redirects=True,
                          headers=EN)  # fmt: skip
    assert "expired or was not started here" in response.get_data(as_text=True)
    assert database.session.query(User).count() == 0
    refused = client.get("/login/oidc/callback?error=access_denied", follow_redirects=True,
                         headers=EN)  # fmt: skip
    assert "did not sign you in: access_denied" in refused.get_data(as_text=True)


def return_with_changed_pending(client, **changes: str) -> str:
    """Sign in at the provider after changing what the session keeps; the page shown after."""
    start = client.get("/login/oidc/")
    with client.session_transaction() as session:
        session["oidc_pending"] = {**session["oidc_pending"], **changes}
    back = requests.post(start.headers["Location"], data={"username": "wang"},
                         allow_redirects=False, timeout=5)  # fmt: skip
    callback = urlsplit(back.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}", follow_redirects=True, headers=EN)
    return response.get_data(as_text=True)


def test_a_forged_nonce_or_pkce_verifier_signs_nobody_in(client, oidc_on):
    assert "ID token is not valid" in return_with_changed_pending(client, nonce="other")
    # The provider checks the verifier against the challenge it was sent (PKCE, S256).
    wrong_verifier = return_with_changed_pending(client, code_verifier="x" * 64)
    assert "sign-in cannot be reached now" in wrong_verifier
    assert database.session.query(User).count() == 0


def test_an_unreachable_provider_never_blocks_local_logins(client, db):
    use_oidc("http://127.0.0.1:9/realms/x", timeout_seconds=1)
    UserFactory(username="zhang")
    response = client.get("/login/oidc/", follow_redirects=True, headers=EN)
    assert "cannot be reached now" in response.get_data(as_text=True)
    login = client.post("/login", data={"username": "zhang", "password": PASSWORD})
    assert login.status_code == 302 and login.headers["Location"] == "/"


def test_check_connection(db, oidc_provider):
    with force_locale("en"):
        message = oidc_login.check_connection(provider_settings(oidc_provider.issuer))
        assert "sign-in at " + oidc_provider.issuer + "/authorize, 1 signing keys" in message
        with pytest.raises(DirectoryError, match="Could not read the discovery document"):
            oidc_login.check_connection(provider_settings(oidc_provider.issuer + "/nothing"))

"""The admin page of the login methods, and the login form and API with a directory."""

from __future__ import annotations

import re

from lms.accounts.services.login_methods import ldap_settings, login_methods, oidc_settings
from tests.factories import PASSWORD, UserFactory
from tests.formfill import submit_form
from tests.ldap_fixtures import ADMIN_DN, ADMIN_PASSWORD, BASE_DN
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET
from tests.web.accounts.helpers import log_in

PAGE = "/admin/settings/login/"
EN = {"Accept-Language": "en"}


def ldap_form(url: str, **changes: object) -> dict[str, object]:
    return {
        "ldap_url": url, "ldap_bind_dn": ADMIN_DN, "ldap_bind_password": ADMIN_PASSWORD,
        "ldap_base_dn": BASE_DN, "ldap_group_base_dn": f"ou=groups,{BASE_DN}",
        "ldap_role_rules": f"cn=lms-admins,ou=groups,{BASE_DN} -> admin",
        "ldap_unit_rules": f"ou=sales,ou=people,{BASE_DN} -> Example/Sales",
        **changes,
    }  # fmt: skip


def text_of(response) -> str:
    return response.get_data(as_text=True)


def test_test_connection_says_what_works_and_saves_nothing(client, db, admin, login_as, slapd):
    login_as(admin)
    good = submit_form(client, PAGE, ldap_form(slapd.url, ldap_test_username="alice"),
                       button="test_ldap", headers=EN)  # fmt: skip
    assert good.status_code == 200
    assert "the user filter finds 3 people" in text_of(good)
    assert "role admin, unit Example/Sales" in text_of(good)
    assert not login_methods().ldap and not ldap_settings().url
    wrong = submit_form(client, PAGE, ldap_form(slapd.url, ldap_bind_password="nope"),
                        button="test_ldap", headers=EN)  # fmt: skip
    assert "refused the bind DN or its password" in text_of(wrong)
    unreachable = submit_form(client, PAGE, ldap_form("ldap://127.0.0.1:9"), button="test_ldap",
                              headers=EN)  # fmt: skip
    assert "Could not reach the LDAP server at ldap://127.0.0.1:9" in text_of(unreachable)
    shapeless = submit_form(client, PAGE, ldap_form("http://x"), button="test_ldap", headers=EN)
    assert 'id="ldap_url-errors"' in text_of(shapeless)


def test_oidc_test_connection(client, db, admin, login_as, oidc_provider):
    login_as(admin)
    values = {"oidc_issuer": oidc_provider.issuer, "oidc_client_id": CLIENT_ID}
    good = submit_form(client, PAGE, values, button="test_oidc", headers=EN)
    assert f"The provider {oidc_provider.issuer} answered" in text_of(good)
    values["oidc_issuer"] = "https://127.0.0.1:9"
    bad = submit_form(client, PAGE, values, button="test_oidc", headers=EN)
    assert "Could not read the discovery document" in text_of(bad)


def test_save_checks_what_is_switched_on_and_keeps_secrets(client, db, admin, login_as, slapd):
    login_as(admin)
    incomplete = submit_form(client, PAGE, {"ldap": True, "ldap_url": ""}, headers=EN)
    assert incomplete.status_code == 200 and 'id="ldap_url-errors"' in text_of(incomplete)
    nothing = submit_form(client, PAGE, {"local": False}, headers=EN)
    assert "Offer at least one way to log in." in text_of(nothing)
    bad_rule = submit_form(client, PAGE, ldap_form(slapd.url, ldap_role_rules="x -> boss"),
                           headers=EN)  # fmt: skip
    assert "Unknown role “boss”" in text_of(bad_rule)
    assert not login_methods().ldap
    values = {"ldap": True, **ldap_form(slapd.url), "oidc_client_secret": CLIENT_SECRET}
    saved = submit_form(client, PAGE, values, headers=EN)
    assert saved.status_code == 302
    assert login_methods().ldap and ldap_settings().bind_password == ADMIN_PASSWORD
    page = text_of(client.get(PAGE, headers=EN))
    assert ADMIN_PASSWORD not in page and CLIENT_SECRET not in page
    assert "A password is stored" in page and "A secret is stored" in page
    assert submit_form(client, PAGE, {"ldap_name_attribute": "sn"}).status_code == 302
    assert ldap_settings().bind_password == ADMIN_PASSWORD  # left empty: kept
    assert oidc_settings().client_secret == CLIENT_SECRET


def test_the_login_form_and_the_api_sign_directory_people_in(client, db, admin, login_as, slapd):
    login_as(admin)
    submit_form(client, PAGE, {"ldap": True, **ldap_form(slapd.url)})
    client.post("/logout")
    assert log_in(client, "alice", "alice-pass").status_code == 302
    client.post("/logout")
    token = client.post("/api/v1/auth/token", json={"username": "bob", "password": "bob-pass"})
    assert token.status_code == 200 and token.get_json()["token"]
    login_as(admin)
    listed = text_of(client.get("/admin/users/?q=alice"))
    assert re.search(r"alice <small[^>]*>LDAP</small>", listed)


def test_a_broken_directory_never_blocks_local_logins(client, db, admin, login_as, slapd):
    login_as(admin)
    submit_form(client, PAGE, {"ldap": True, "local": False, **ldap_form(slapd.url)})
    submit_form(client, PAGE, {"ldap_url": "ldap://127.0.0.1:9"})
    client.post("/logout")
    refused = log_in(client, "alice", "alice-pass", headers=EN)
    assert refused.status_code == 200
    assert "directory cannot be reached now" in text_of(refused)
    assert "ldap://127.0.0.1:9" not in text_of(refused)  # details are for administrators
    api = client.post("/api/v1/auth/token", json={"username": "alice", "password": "x"})
    assert api.status_code == 503
    assert api.get_json()["error"]["code"] == "directory_unavailable"
    UserFactory(username="zhang")
    assert log_in(client, "zhang", PASSWORD).status_code == 200  # local passwords are off
    assert log_in(client, admin.username, PASSWORD).status_code == 302  # but admins always

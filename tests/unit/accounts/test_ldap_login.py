"""LDAP sign-in against a real OpenLDAP server (tests/ldap_fixtures.py)."""

from __future__ import annotations

import dataclasses
import re

import pytest
from flask_babel import force_locale

from lms.accounts.models import AuthSource
from lms.accounts.services import auth, directory_users, ldap_login
from lms.accounts.services.directory_users import DirectoryError, DirectoryPerson
from lms.accounts.services.login_methods import (
    LdapSettings,
    LoginMethods,
    OidcSettings,
    configure,
    ldap_settings,
)
from lms.core.errors import ConflictError, ValidationError
from lms.notifications.services import email_of, set_email
from tests.factories import PASSWORD, UserFactory
from tests.ldap_fixtures import ADMIN_DN, ADMIN_PASSWORD, BASE_DN, Person

GROUPS = f"ou=groups,{BASE_DN}"
ROLE_RULES = f"cn=lms-admins,{GROUPS} -> admin\ncn=lms-organizers,{GROUPS} -> organizer"
UNIT_RULES = f"ou=sales,ou=people,{BASE_DN} -> Example/Sales\nou=people,{BASE_DN} -> Example"


def directory_settings(url: str, **changes: object) -> LdapSettings:
    settings = LdapSettings(
        url=url, bind_dn=ADMIN_DN, bind_password=ADMIN_PASSWORD, base_dn=BASE_DN,
        group_base_dn=GROUPS, role_rules=ROLE_RULES, unit_rules=UNIT_RULES,
        active_filter="(!(employeeType=left))", default_unit="Example",
    )  # fmt: skip
    return dataclasses.replace(settings, **changes)  # type: ignore[arg-type]


def use_ldap(url: str, *, local: bool = True, **changes: object) -> None:
    configure(LoginMethods(local=local, ldap=True), directory_settings(url, **changes),
              OidcSettings())  # fmt: skip


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


@pytest.fixture
def ldap_on(db, slapd):
    use_ldap(slapd.url)
    return slapd


def test_first_login_creates_the_account_from_the_directory(ldap_on, clock):
    alice = auth.authenticate("Alice", "alice-pass")
    assert alice is not None
    assert (alice.username, alice.display_name, alice.role) == ("alice", "王丽", "admin")
    assert alice.unit.path == "Example/Sales"
    assert alice.auth_source == AuthSource.LDAP.value
    assert alice.external_id == f"uid=alice,ou=sales,ou=people,{BASE_DN}"
    assert alice.last_login_at == clock.now
    assert email_of(alice) == "alice@example.org"  # the directory's mail, for notifications
    bob = auth.authenticate("bob", "bob-pass")
    assert (bob.role, bob.unit.path) == ("organizer", "Example")  # the nearer OU rule
    assert email_of(bob) is None  # no mail in the directory
    # The directory's password only: wrong, empty, or a filter wildcard never sign in.
    assert auth.authenticate("bob", "alice-pass") is None
    assert auth.authenticate("alice", "") is None
    assert auth.authenticate("*", "alice-pass") is None
    assert auth.authenticate("nobody", "x") is None


def test_each_login_brings_the_account_up_to_date(ldap_on):
    alice = auth.authenticate("alice", "alice-pass")
    alice.display_name, alice.role = "Someone else", "member"
    use_ldap(ldap_on.url, role_rules="", unit_rules="")  # nothing mapped: kept as it is
    assert auth.authenticate("alice", "alice-pass") is alice
    assert (alice.display_name, alice.role, alice.unit.path) == ("王丽", "member", "Example/Sales")
    use_ldap(ldap_on.url, unit_attribute="departmentNumber", unit_rules="SALES -> Shop/Front")
    auth.authenticate("alice", "alice-pass")
    assert (alice.role, alice.unit.path) == ("admin", "Shop/Front")


def test_the_directory_deactivates_people_it_drops(ldap_on):
    dave = Person("dave", "Dave", "dave-pass")
    ldap_on.add(dave)
    try:
        user = auth.authenticate("dave", "dave-pass")
        nonce = user.session_nonce
    finally:
        ldap_on.delete(dave.dn)
    assert auth.authenticate("dave", "dave-pass") is None
    assert not user.is_active and user.session_nonce != nonce  # sessions and tokens end
    # Marked as gone by the active filter: never an account.
    assert auth.authenticate("carol", "carol-pass") is None


def test_sync_updates_and_deactivates_every_directory_account(ldap_on):
    erin = Person("erin", "Erin", "erin-pass")
    ldap_on.add(erin)
    try:
        user = auth.authenticate("erin", "erin-pass")
        alice = auth.authenticate("alice", "alice-pass")
        alice.display_name = "Renamed"
        UserFactory(username="local")
    finally:
        ldap_on.delete(erin.dn)
    assert ldap_login.sync_accounts(ldap_settings()) == (1, 1)
    assert not user.is_active and alice.is_active and alice.display_name == "王丽"


def test_the_sync_command(app, ldap_on):
    run = app.test_cli_runner().invoke
    auth.authenticate("alice", "alice-pass")
    assert run(args=["users", "sync-directory"]).output == "1 accounts updated, 0 deactivated\n"
    use_ldap("ldap://127.0.0.1:9", timeout_seconds=1)
    broken = run(args=["users", "sync-directory"])
    assert broken.exit_code == 1 and "Could not reach the LDAP server" in broken.output
    configure(LoginMethods(), LdapSettings(), OidcSettings())
    assert "LDAP logins are switched off" in run(args=["users", "sync-directory"]).output


def test_local_accounts_never_wait_for_a_broken_directory(db):
    use_ldap("ldap://127.0.0.1:9", timeout_seconds=1)  # nothing listens there
    member = UserFactory(username="zhang")
    assert auth.authenticate("zhang", PASSWORD) is member
    assert auth.authenticate("zhang", "wrong") is None
    with pytest.raises(DirectoryError, match="cannot be reached"):
        auth.authenticate("alice", "alice-pass")


def test_without_local_passwords_administrators_still_log_in(ldap_on):
    use_ldap(ldap_on.url, local=False)
    admin = UserFactory(username="root", role="admin")
    UserFactory(username="zhang")
    assert auth.authenticate("zhang", PASSWORD) is None
    assert auth.authenticate("root", PASSWORD) is admin
    assert auth.authenticate("bob", "bob-pass") is not None


def test_a_local_name_is_not_taken_over_unless_allowed(ldap_on):
    bob = UserFactory(username="bob")
    admin = UserFactory(username="alice", role="admin")
    assert auth.authenticate("bob", "bob-pass") is None  # the local account stays local
    use_ldap(ldap_on.url, adopt_local=True)
    assert auth.authenticate("bob", PASSWORD) is bob  # its own password still works
    assert auth.authenticate("bob", "bob-pass") is bob
    assert (bob.auth_source, bob.role) == ("ldap", "organizer")
    assert auth.authenticate("bob", PASSWORD) is None  # the local password is gone
    assert auth.authenticate("alice", "alice-pass") is None  # administrators stay local
    assert admin.auth_source == "local"


def test_a_moved_entry_keeps_its_account_and_other_sources_keep_their_names(ldap_on):
    UserFactory(username="bob", auth_source="oidc", external_id="sub-1")
    assert auth.authenticate("bob", "bob-pass") is None
    moved = UserFactory(username="alice", auth_source="ldap", external_id="uid=alice,ou=old")
    assert auth.authenticate("alice", "alice-pass") is moved  # a new OU, the same person
    assert moved.external_id == f"uid=alice,ou=sales,ou=people,{BASE_DN}"
    oidc_person = DirectoryPerson(AuthSource.OIDC, "sub-9", "alice", "Alice", None, None)
    with pytest.raises(ConflictError, match="belongs to another account"):
        directory_users.sign_in(oidc_person)


def test_test_connection_says_what_works_and_what_does_not(db, slapd):
    good = directory_settings(slapd.url)
    message = ldap_login.check_connection(good, "alice")
    assert re.search(r"Connected to ldap://127\.0\.0\.1:\d+ as cn=admin", message)
    assert "finds 3 people" in message
    assert "role admin, unit Example/Sales." in message
    assert "deactivated by the directory" in ldap_login.check_connection(good, "carol")
    assert "Nobody is found as “zed”" in ldap_login.check_connection(good, "zed")
    failures = {
        "refused the bind DN or its password": {"bind_password": "wrong"},
        "Could not reach the LDAP server at ldap://127.0.0.1:9": {"url": "ldap://127.0.0.1:9"},
        "The base DN dc=nowhere does not exist": {"base_dn": "dc=nowhere"},
    }
    for expected, changes in failures.items():
        with pytest.raises(DirectoryError, match=expected):
            ldap_login.check_connection(dataclasses.replace(good, **changes))  # type: ignore[arg-type]


def test_a_directory_password_is_changed_in_the_directory_and_a_reset_makes_it_local(db):
    user = UserFactory(username="li", auth_source="ldap", external_id="uid=li")
    with pytest.raises(ValidationError, match="kept by your organisation's directory"):
        auth.change_password(user, current=PASSWORD, new="new-password-1")
    auth.set_password(user, "new-password-1")  # a reset link handed out by an administrator
    assert (user.auth_source, user.external_id) == ("local", None)
    assert auth.authenticate("li", "new-password-1") is user


def test_a_filter_that_finds_several_or_nobody_deactivates_nobody(ldap_on):
    alice = auth.authenticate("alice", "alice-pass")
    use_ldap(ldap_on.url, user_filter="(|(uid={username})(uid=bob))")
    with pytest.raises(DirectoryError, match="cannot be reached"):
        auth.authenticate("alice", "alice-pass")
    with pytest.raises(DirectoryError, match="more than one entry for “alice”"):
        ldap_login.sync_accounts(ldap_settings())
    use_ldap(ldap_on.url, user_filter="(employeeNumber={username})")
    with pytest.raises(DirectoryError, match="finds nobody under dc=example,dc=org"):
        ldap_login.sync_accounts(ldap_settings())
    assert alice.is_active


def test_ldaps_checks_the_server_certificate(ldap_on):
    trusted = directory_settings(ldap_on.ldaps_url, ca_certificate=ldap_on.ca_pem)
    assert "finds 3 people" in ldap_login.check_connection(trusted)
    use_ldap(ldap_on.ldaps_url, ca_certificate=ldap_on.ca_pem)
    assert auth.authenticate("bob", "bob-pass").role == "organizer"
    unknown_ca = r"Could not reach the LDAP server.*CERTIFICATE_VERIFY_FAILED"
    with pytest.raises(DirectoryError, match=unknown_ca):
        ldap_login.check_connection(directory_settings(ldap_on.ldaps_url))
    with pytest.raises(ValidationError, match="PEM"):
        use_ldap(ldap_on.url, ca_certificate="not a certificate")


def test_the_directorys_address_never_replaces_the_members_own(db):
    """Email notifications go to the directory's address when the member has none; one the
    member typed stays, and an address this site would not send to is ignored."""
    person = DirectoryPerson(
        source=AuthSource.LDAP, external_id="uid=zoe", username="zoe", display_name="Zoe",
        role=None, unit_path=None, email="zoe@example.org",
    )  # fmt: skip
    zoe = directory_users.sign_in(person)
    assert email_of(zoe) == "zoe@example.org"
    set_email(zoe, "zoe@home.example")
    directory_users.sign_in(person)
    assert email_of(zoe) == "zoe@home.example"
    odd = directory_users.sign_in(
        dataclasses.replace(person, external_id="uid=odd", username="odd", email="not an address")
    )
    assert email_of(odd) is None
    set_email(odd, "")  # emptied on purpose: no email at all, which the directory respects
    directory_users.sign_in(dataclasses.replace(person, external_id="uid=odd", username="odd"))
    assert email_of(odd) is None

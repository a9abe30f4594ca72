"""Directory secrets in site settings are sealed with a key derived from SECRET_KEY: not
readable in the database or a backup, readable by the site, lost (not wrong) under another key;
migration 0028 seals the ones stored before."""

from __future__ import annotations

import json

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from lms.accounts.services import login_methods
from lms.accounts.services.login_methods import LdapSettings, LoginMethods, OidcSettings
from lms.app import create_app
from lms.core import sealing
from lms.core.extensions import db
from lms.core.settings import get_setting

LDAP = LdapSettings(
    url="ldap://127.0.0.1:389", base_dn="dc=example,dc=org", bind_password="s3cret-bind"
)
OIDC = OidcSettings(issuer="http://127.0.0.1:9", client_id="lms", client_secret="s3cret-client")


def test_a_sealed_value_opens_under_the_same_key_only(app: Flask) -> None:
    with app.app_context():
        sealed = sealing.seal("bind pw")
        assert sealed.startswith(sealing.PREFIX) and "bind pw" not in sealed
        assert sealing.unseal(sealed) == "bind pw"
        assert sealing.seal("") == "" and sealing.unseal("") == ""
        assert sealing.unseal("typed before sealing") == "typed before sealing"
        saved = app.config["SECRET_KEY"]
        app.config["SECRET_KEY"] = "another key"
        try:
            assert sealing.unseal(sealed) == ""
        finally:
            app.config["SECRET_KEY"] = saved


def test_the_directory_secrets_are_stored_sealed(app: Flask, db) -> None:
    login_methods.configure(LoginMethods(local=True), LDAP, OIDC)
    db.session.commit()
    stored = json.dumps([get_setting(login_methods.LDAP_KEY), get_setting(login_methods.OIDC_KEY)])
    assert "s3cret" not in stored and stored.count(sealing.PREFIX) == 2
    assert login_methods.ldap_settings().bind_password == "s3cret-bind"
    assert login_methods.oidc_settings().client_secret == "s3cret-client"
    # Saved again with the secrets left empty (the form's "keep"): still the same secrets.
    login_methods.configure(
        LoginMethods(local=True),
        LdapSettings(url=LDAP.url, base_dn=LDAP.base_dn),
        OidcSettings(issuer=OIDC.issuer, client_id="lms"),
    )
    assert login_methods.ldap_settings().bind_password == "s3cret-bind"
    assert login_methods.oidc_settings().client_secret == "s3cret-client"


def test_migration_0028_seals_the_secrets_stored_before(tmp_path) -> None:
    app = create_app("testing", DATABASE_URL=f"sqlite:///{tmp_path}/m.sqlite3")
    with app.app_context():
        upgrade(revision="0027_notify_lookup_indexes")
        with db.engine.begin() as sql:
            for key, value in (
                ("accounts.ldap", {"url": LDAP.url, "bind_password": "plain-bind"}),
                ("accounts.oidc", {"issuer": OIDC.issuer, "client_secret": ""}),
            ):
                sql.execute(
                    text(
                        "INSERT INTO site_settings (key, value, created_at, updated_at)"
                        " VALUES (:key, :value, '2026-12-01', '2026-12-01')"
                    ),
                    {"key": key, "value": json.dumps(value)},
                )
        upgrade()
        raw = db.session.execute(text("SELECT value FROM site_settings ORDER BY key")).scalars()
        ldap_raw, oidc_raw = (json.loads(value) for value in raw)
        assert ldap_raw["bind_password"].startswith(sealing.PREFIX)
        assert oidc_raw["client_secret"] == ""  # nothing to seal
        assert login_methods.ldap_settings().bind_password == "plain-bind"
        db.session.remove()
        downgrade(revision="0027_notify_lookup_indexes")
        raw = db.session.execute(text("SELECT value FROM site_settings ORDER BY key")).scalars()
        assert json.loads(next(iter(raw)))["bind_password"] == "plain-bind"

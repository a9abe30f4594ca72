"""The admin form of the login methods: which logins the site offers, LDAP and OIDC settings.

Fields are named ``ldap_<setting>`` and ``oidc_<setting>`` after the fields of the settings
classes (``services.login_methods``), so the form and the settings convert both ways.
"""

from __future__ import annotations

import dataclasses
from typing import TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from lms.accounts.services.login_methods import LdapSettings, LoginMethods, OidcSettings

S = TypeVar("S", LdapSettings, OidcSettings)
SECRETS = ("ldap_bind_password", "oidc_client_secret")


def _text(label: str, length: int = 500) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=length)])


def _text_area(label: str) -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=20_000)],
                         render_kw={"rows": 3, "spellcheck": "false"})  # fmt: skip


class LoginSettingsForm(FlaskForm):
    local = BooleanField(_l("Usernames and passwords kept here"))
    ldap = BooleanField(_l("LDAP or Active Directory"))
    oidc = BooleanField(_l("OpenID Connect"))

    ldap_url = _text(_l("Server"))
    ldap_start_tls = BooleanField(_l("Use StartTLS"))
    ldap_ca_certificate = _text_area(_l("CA certificate (PEM, optional)"))
    ldap_bind_dn = _text(_l("Bind DN (empty: search anonymously)"))
    ldap_bind_password = PasswordField(
        _l("Bind password"), validators=[Optional(), Length(max=500)]
    )
    ldap_base_dn = _text(_l("Base DN"))
    ldap_user_filter = _text(_l("User filter"))
    ldap_name_attribute = _text(_l("Display name attribute"), 100)
    ldap_active_filter = _text(_l("Active filter (optional)"))
    ldap_group_base_dn = _text(_l("Group base DN (optional)"))
    ldap_role_rules = _text_area(_l("Groups to roles"))
    ldap_unit_attribute = _text(_l("Unit attribute (empty: the entry's OU)"), 100)
    ldap_unit_rules = _text_area(_l("OUs or attribute values to units"))
    ldap_default_unit = _text(_l("Default unit"), 1000)
    ldap_adopt_local = BooleanField(_l("Local accounts of the same username move to LDAP"))
    ldap_test_username = _text(_l("Username to look up in the test (optional)"), 64)

    oidc_issuer = _text(_l("Issuer"))
    oidc_client_id = _text(_l("Client ID"))
    oidc_client_secret = PasswordField(
        _l("Client secret"), validators=[Optional(), Length(max=500)]
    )
    oidc_button_label = _text(_l("Button label"), 100)
    oidc_scopes = _text(_l("Scopes"), 200)
    oidc_username_claim = _text(_l("Username claim"), 100)
    oidc_name_claim = _text(_l("Display name claim"), 100)
    oidc_role_claim = _text(_l("Role claim (optional)"), 100)
    oidc_role_rules = _text_area(_l("Claim values to roles"))
    oidc_unit_claim = _text(_l("Unit claim (optional)"), 100)
    oidc_unit_rules = _text_area(_l("Claim values to units"))
    oidc_default_unit = _text(_l("Default unit"), 1000)
    oidc_adopt_local = BooleanField(
        _l("Local accounts of the same username move to OpenID Connect")
    )

    save = SubmitField(_l("Save"))
    test_ldap = SubmitField(_l("Test the LDAP connection"))
    test_oidc = SubmitField(_l("Test the OpenID Connect provider"))

    def fill(self, methods: LoginMethods, ldap: LdapSettings, oidc: OidcSettings) -> None:
        for name in ("local", "ldap", "oidc"):
            self[name].data = getattr(methods, name)
        for prefix, settings in (("ldap", ldap), ("oidc", oidc)):
            for setting in dataclasses.fields(settings):
                name = f"{prefix}_{setting.name}"
                if name in self and name not in SECRETS:
                    self[name].data = getattr(settings, setting.name)

    def methods(self) -> LoginMethods:
        return LoginMethods(local=bool(self.local.data), ldap=bool(self.ldap.data),
                            oidc=bool(self.oidc.data))  # fmt: skip

    def _settings(self, kind: type[S], prefix: str) -> S:
        values = {}
        for setting in dataclasses.fields(kind):
            name = f"{prefix}_{setting.name}"
            if name in self:
                data = self[name].data
                values[setting.name] = data.strip() if isinstance(data, str) else bool(data)
        return kind(**values)

    def ldap_settings(self) -> LdapSettings:
        return self._settings(LdapSettings, "ldap")

    def oidc_settings(self) -> OidcSettings:
        return self._settings(OidcSettings, "oidc")

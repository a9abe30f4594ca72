"""Which logins a site offers (local passwords, LDAP, OpenID Connect) and their settings.

Admins change them at run time (site settings). Secrets (the LDAP bind password, the OIDC
client secret) stay as they are when a form leaves them empty, and are stored sealed with a
key derived from ``SECRET_KEY`` (``lms.core.sealing``). A wrong setting never locks
anyone out: administrators always sign in with their local password (see ``auth``).
"""

from __future__ import annotations

import dataclasses
import ssl
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from flask_babel import gettext as _

from lms.accounts.models import ROLE_VALUES, Role
from lms.accounts.services.org_units import split_path
from lms.core.errors import ValidationError
from lms.core.sealing import seal, unseal
from lms.core.settings import get_setting, set_setting

METHODS_KEY = "accounts.login_methods"
LDAP_KEY = "accounts.ldap"
OIDC_KEY = "accounts.oidc"
RULE_ARROW = "->"
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
ROLE_RANK = {Role.MEMBER.value: 0, Role.ORGANIZER.value: 1, Role.ADMIN.value: 2}
SECRET_FIELDS = ("bind_password", "client_secret")


@dataclass(frozen=True)
class LoginMethods:
    local: bool = True
    ldap: bool = False
    oidc: bool = False


@dataclass(frozen=True)
class LdapSettings:
    url: str = ""  # ldap://host:389 or ldaps://host:636
    start_tls: bool = False
    ca_certificate: str = ""  # PEM of the CA that signed the server's certificate; "": the system's
    bind_dn: str = ""  # empty: search anonymously
    bind_password: str = ""
    base_dn: str = ""
    user_filter: str = "(uid={username})"  # Active Directory: (sAMAccountName={username})
    name_attribute: str = "cn"  # Active Directory: displayName
    # Optional: an entry that does not also match this filter is deactivated here. Active
    # Directory: (!(userAccountControl:1.2.840.113556.1.4.803:=2))
    active_filter: str = ""
    group_base_dn: str = ""  # where groups are searched; memberOf is read as well
    role_rules: str = ""  # lines "group DN -> role"
    unit_attribute: str = ""  # empty: units follow the entry's DN (its OU)
    unit_rules: str = ""  # lines "DN suffix or attribute value -> Unit/Path"
    default_unit: str = ""  # a unit path; empty: the first organisation
    adopt_local: bool = False  # a local account of the same name moves to the directory
    timeout_seconds: int = 5


@dataclass(frozen=True)
class OidcSettings:
    issuer: str = ""  # discovery: <issuer>/.well-known/openid-configuration
    client_id: str = ""
    client_secret: str = ""
    button_label: str = ""
    scopes: str = "openid profile email"
    username_claim: str = "preferred_username"
    name_claim: str = "name"
    role_claim: str = ""
    role_rules: str = ""  # lines "claim value -> role"
    unit_claim: str = ""
    unit_rules: str = ""  # lines "claim value -> Unit/Path"
    default_unit: str = ""
    adopt_local: bool = False
    timeout_seconds: int = 5


S = TypeVar("S", LoginMethods, LdapSettings, OidcSettings)


def _load(kind: type[S], key: str) -> S:
    stored = get_setting(key) or {}
    names = {field.name for field in dataclasses.fields(kind)}
    values = {name: value for name, value in stored.items() if name in names}
    for name in SECRET_FIELDS:
        if isinstance(values.get(name), str):
            values[name] = unseal(values[name])
    return kind(**values)


def _stored(settings: LdapSettings | OidcSettings) -> dict[str, object]:
    values = dataclasses.asdict(settings)
    for name in SECRET_FIELDS:
        if name in values:
            values[name] = seal(values[name])
    return values


def login_methods() -> LoginMethods:
    return _load(LoginMethods, METHODS_KEY)


def passwords_offered() -> bool:
    """Whether members type a password on the login form (local accounts or LDAP)."""
    methods = login_methods()
    return methods.local or methods.ldap


def ldap_settings() -> LdapSettings:
    return _load(LdapSettings, LDAP_KEY)


def oidc_settings() -> OidcSettings:
    return _load(OidcSettings, OIDC_KEY)


def parse_rules(text: str, *, field: str) -> list[tuple[str, str]]:
    """``key -> value`` lines; blank lines and lines starting with # are skipped."""
    rules = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, arrow, value = line.rpartition(RULE_ARROW)
        if not arrow or not key.strip() or not value.strip():
            raise ValidationError(
                _("Line %(number)d: write “match -> result”.", number=number), field=field
            )
        rules.append((key.strip(), value.strip()))
    return rules


def _check_role_rules(text: str, field: str) -> None:
    for _key, role in parse_rules(text, field=field):
        if role not in ROLE_VALUES:
            raise ValidationError(
                _("Unknown role “%(role)s”: use member, organizer or admin.", role=role),
                field=field,
            )


def _check_unit_rules(text: str, field: str) -> None:
    for _key, path in parse_rules(text, field=field):
        _check_path(path, field)


def _check_path(path: str, field: str) -> None:
    if path and not split_path(path):
        raise ValidationError(_("“%(path)s” is not a unit path.", path=path), field=field)


def _check_filter(text: str, field: str) -> None:
    if text and (not text.startswith("(") or text.count("(") != text.count(")")):
        raise ValidationError(
            _("An LDAP filter is written in parentheses, like (uid={username})."), field=field
        )


def _check_certificate(pem: str, field: str) -> None:
    if not pem:
        return
    try:
        ssl.create_default_context().load_verify_locations(cadata=pem)
    except (ssl.SSLError, ValueError) as error:
        raise ValidationError(
            _("Paste the CA certificate in PEM form (-----BEGIN CERTIFICATE----- …)."),
            field=field,
        ) from error


def _keep_secret(new: str, old: str) -> str:
    return new if new else old


def check_ldap(settings: LdapSettings, *, required: bool) -> LdapSettings:
    """The settings with the stored bind password kept when none was typed; raises if wrong."""
    if required or settings.url:
        scheme = urlsplit(settings.url).scheme
        if scheme not in ("ldap", "ldaps") or not urlsplit(settings.url).hostname:
            raise ValidationError(
                _("Write the server as ldap://host:389 or ldaps://host:636."), field="ldap_url"
            )
        if not settings.base_dn:
            raise ValidationError(_("The base DN is required."), field="ldap_base_dn")
        if "{username}" not in settings.user_filter:
            raise ValidationError(
                _("The user filter must contain {username}."), field="ldap_user_filter"
            )
    _check_certificate(settings.ca_certificate, "ldap_ca_certificate")
    _check_filter(settings.user_filter, "ldap_user_filter")
    _check_filter(settings.active_filter, "ldap_active_filter")
    _check_role_rules(settings.role_rules, "ldap_role_rules")
    _check_unit_rules(settings.unit_rules, "ldap_unit_rules")
    _check_path(settings.default_unit, "ldap_default_unit")
    previous = ldap_settings().bind_password
    return dataclasses.replace(
        settings, bind_password=_keep_secret(settings.bind_password, previous)
    )


def check_oidc(settings: OidcSettings, *, required: bool) -> OidcSettings:
    if required or settings.issuer:
        parts = urlsplit(settings.issuer)
        # Only a provider on this machine may answer over plain http.
        schemes = ("https", "http") if parts.hostname in LOOPBACK_HOSTS else ("https",)
        if not parts.hostname or parts.scheme not in schemes:
            raise ValidationError(
                _("Write the issuer as an https:// address."), field="oidc_issuer"
            )
        if not settings.client_id:
            raise ValidationError(_("The client ID is required."), field="oidc_client_id")
        if "openid" not in settings.scopes.split():
            raise ValidationError(_("The scopes must include openid."), field="oidc_scopes")
    _check_role_rules(settings.role_rules, "oidc_role_rules")
    _check_unit_rules(settings.unit_rules, "oidc_unit_rules")
    _check_path(settings.default_unit, "oidc_default_unit")
    previous = oidc_settings().client_secret
    return dataclasses.replace(
        settings, client_secret=_keep_secret(settings.client_secret, previous)
    )


def configure(methods: LoginMethods, ldap: LdapSettings, oidc: OidcSettings) -> None:
    """Store all three; a method that is switched on needs its settings complete."""
    if not (methods.local or methods.ldap or methods.oidc):
        raise ValidationError(_("Offer at least one way to log in."), field="local")
    ldap = check_ldap(ldap, required=methods.ldap)
    oidc = check_oidc(oidc, required=methods.oidc)
    set_setting(METHODS_KEY, dataclasses.asdict(methods))
    set_setting(LDAP_KEY, _stored(ldap))
    set_setting(OIDC_KEY, _stored(oidc))


def highest_role(values: list[str], rules: list[tuple[str, str]]) -> str | None:
    """The highest role any value maps to (keys compared without case), or None."""
    wanted = {value.lower() for value in values}
    roles = [role for key, role in rules if key.lower() in wanted]
    return max(roles, key=ROLE_RANK.__getitem__) if roles else None


def mapped_unit(values: list[str], rules: list[tuple[str, str]]) -> str | None:
    """The unit path the first matching rule gives; without rules, the value is the path."""
    if not rules:
        return values[0] if values else None
    wanted = {value.lower() for value in values}
    return next((path for key, path in rules if key.lower() in wanted), None)

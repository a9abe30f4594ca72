"""Signing in against LDAP or Active Directory with ldap3.

A sign-in binds with the service account (or anonymously), finds the person's entry with the
user filter, then binds as that entry with the typed password. Groups map to a role, the entry's
DN (its OU) or an attribute to a unit. A person the directory no longer finds, or who fails the
"active" filter, is deactivated here. Every failure of the server becomes a :class:`DirectoryError`
with a message an administrator can act on; the login page shows a general one.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask_babel import gettext as _
from ldap3 import BASE, NONE, SUBTREE, Connection, Server, Tls
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars

from lms.accounts.models import AuthSource, User
from lms.accounts.services import directory_users
from lms.accounts.services.directory_users import DirectoryError, DirectoryPerson
from lms.accounts.services.login_methods import (
    LdapSettings,
    highest_role,
    mapped_unit,
    parse_rules,
)
from lms.accounts.services.users import normalise_username

COUNT_LIMIT = 1000  # entries a connection test counts (Active Directory pages at 1000)


@dataclass(frozen=True)
class Entry:
    dn: str
    attributes: dict[str, list[str]]

    def first(self, name: str) -> str:
        values = self.attributes.get(name.lower()) or []
        return values[0] if values else ""


def _server(settings: LdapSettings) -> Server:
    # ldaps:// and StartTLS check the server's certificate: against the CA certificate of the
    # settings, or else the system's CAs.
    secure = settings.url.startswith("ldaps") or settings.start_tls
    ca = settings.ca_certificate or None
    tls = Tls(validate=ssl.CERT_REQUIRED, ca_certs_data=ca) if secure else None
    return Server(settings.url, connect_timeout=settings.timeout_seconds, get_info=NONE, tls=tls)


def _explain(error: ldap_errors.LDAPException, settings: LdapSettings) -> DirectoryError:
    if isinstance(error, ldap_errors.LDAPSocketOpenError | ldap_errors.LDAPSocketReceiveError):
        return DirectoryError(
            _("Could not reach the LDAP server at %(url)s: %(reason)s",
              url=settings.url, reason=str(error)),
        )  # fmt: skip
    if isinstance(error, ldap_errors.LDAPBindError | ldap_errors.LDAPInvalidCredentialsResult):
        return DirectoryError(
            _("The LDAP server refused the bind DN or its password (%(dn)s).",
              dn=settings.bind_dn or _("anonymous")),
        )  # fmt: skip
    if isinstance(error, ldap_errors.LDAPNoSuchObjectResult):
        return DirectoryError(
            _("The base DN %(dn)s does not exist on the LDAP server.", dn=settings.base_dn)
        )
    if isinstance(error, ldap_errors.LDAPInvalidFilterError):
        return DirectoryError(_("The LDAP server cannot read the filter: %(reason)s",
                                reason=str(error)))  # fmt: skip
    return DirectoryError(_("The LDAP server answered: %(reason)s", reason=str(error)))


@contextmanager
def service_connection(settings: LdapSettings) -> Iterator[Connection]:
    """A connection bound as the service account; ldap3's failures become DirectoryError."""
    connection = Connection(
        _server(settings),
        user=settings.bind_dn or None,
        password=settings.bind_password or None,
        receive_timeout=settings.timeout_seconds,
        raise_exceptions=True,
        read_only=True,
        auto_referrals=False,  # Active Directory refers to other domains: not followed
    )
    try:
        connection.open()
        if settings.start_tls:
            connection.start_tls()
        connection.bind()
        yield connection
    except ldap_errors.LDAPException as error:
        raise _explain(error, settings) from error
    finally:
        connection.unbind()


def _filter(settings: LdapSettings, username: str) -> str:
    return settings.user_filter.replace("{username}", escape_filter_chars(username))


def _attributes(settings: LdapSettings) -> list[str]:
    names = {settings.name_attribute, "memberOf", "mail"}
    if settings.unit_attribute:
        names.add(settings.unit_attribute)
    return sorted(name for name in names if name)


def _entries(connection: Connection) -> list[Entry]:
    found = []
    for item in connection.response or []:
        if item.get("type") != "searchResEntry":
            continue
        attributes = {
            name.lower(): [
                str(value) for value in (values if isinstance(values, list) else [values])
            ]
            for name, values in (item.get("attributes") or {}).items()
        }
        found.append(Entry(dn=item["dn"], attributes=attributes))
    return found


def _ambiguous(settings: LdapSettings, username: str) -> DirectoryError:
    return DirectoryError(
        _("The user filter finds more than one entry for “%(name)s”: make it stricter.",
          name=username),
    )  # fmt: skip


def find_entry(connection: Connection, settings: LdapSettings, username: str) -> Entry | None:
    """The one entry the user filter finds for ``username``, or None; raises if several."""
    try:
        connection.search(
            settings.base_dn, _filter(settings, username), SUBTREE,
            attributes=_attributes(settings), size_limit=2,
        )  # fmt: skip
    except ldap_errors.LDAPSizeLimitExceededResult as error:
        raise _ambiguous(settings, username) from error
    entries = _entries(connection)
    if len(entries) > 1:
        raise _ambiguous(settings, username)
    return entries[0] if entries else None


def count_people(connection: Connection, settings: LdapSettings) -> str:
    """How many entries the user filter finds: "3", or "1000+" past the search's limit."""
    everyone = settings.user_filter.replace("{username}", "*")
    try:
        connection.search(settings.base_dn, everyone, SUBTREE, attributes=[],
                          size_limit=COUNT_LIMIT)  # fmt: skip
    except ldap_errors.LDAPSizeLimitExceededResult:
        return f"{COUNT_LIMIT}+"
    return str(len(_entries(connection)))


def _is_active(connection: Connection, settings: LdapSettings, entry: Entry) -> bool:
    if not settings.active_filter:
        return True
    connection.search(entry.dn, settings.active_filter, BASE, attributes=[])
    return bool(_entries(connection))


def _groups(
    connection: Connection, settings: LdapSettings, entry: Entry, username: str
) -> list[str]:
    groups = list(entry.attributes.get("memberof", []))
    if settings.group_base_dn:
        dn = escape_filter_chars(entry.dn)
        name = escape_filter_chars(username)
        connection.search(
            settings.group_base_dn,
            f"(|(member={dn})(uniqueMember={dn})(memberUid={name}))",
            SUBTREE,
            attributes=[],
        )
        groups += [group.dn for group in _entries(connection)]
    return groups


def _unit_path(settings: LdapSettings, entry: Entry) -> str | None:
    rules = parse_rules(settings.unit_rules, field="ldap_unit_rules")
    if settings.unit_attribute:
        return mapped_unit(entry.attributes.get(settings.unit_attribute.lower(), []), rules)
    dn = entry.dn.lower()
    matches = [(key, path) for key, path in rules if dn.endswith("," + key.lower())]
    # The most specific OU wins: Sales/North before Sales.
    return max(matches, key=lambda rule: len(rule[0]))[1] if matches else None


def person_of(
    connection: Connection, settings: LdapSettings, entry: Entry, username: str
) -> DirectoryPerson:
    groups = _groups(connection, settings, entry, username)
    return DirectoryPerson(
        source=AuthSource.LDAP,
        external_id=entry.dn.lower(),
        username=username,
        display_name=entry.first(settings.name_attribute),
        role=highest_role(groups, parse_rules(settings.role_rules, field="ldap_role_rules")),
        unit_path=_unit_path(settings, entry),
        default_unit=settings.default_unit,
        adopt_local=settings.adopt_local,
        email=entry.first("mail"),
    )


def _password_accepted(settings: LdapSettings, dn: str, password: str) -> bool:
    connection = Connection(
        _server(settings), user=dn, password=password,
        receive_timeout=settings.timeout_seconds, raise_exceptions=False,
    )  # fmt: skip
    try:
        connection.open()
        if settings.start_tls:
            connection.start_tls()
        return bool(connection.bind())
    finally:
        connection.unbind()


def authenticate(settings: LdapSettings, username: str, password: str) -> User | None:
    """The account of a person the directory accepts with this password, or None.

    Raises :class:`DirectoryError` when the directory cannot be asked, and a DomainError when
    the person may not sign in here (a name taken by a local account, deactivated here).
    """
    username = normalise_username(username)
    if not password or not username:  # an empty password is an anonymous bind: never a login
        return None
    with service_connection(settings) as connection:
        entry = find_entry(connection, settings, username)
        linked = directory_users.linked_by_username(AuthSource.LDAP, username)
        if entry is None or not _is_active(connection, settings, entry):
            if linked is not None:
                directory_users.deactivate(linked)
            return None
        try:
            accepted = _password_accepted(settings, entry.dn, password)
        except ldap_errors.LDAPException as error:
            raise _explain(error, settings) from error
        if not accepted:
            return None
        return directory_users.sign_in(person_of(connection, settings, entry, username))


def check_connection(settings: LdapSettings, username: str = "") -> str:
    """A sentence saying what works; raises DirectoryError saying what does not.

    With ``username``, it also says what a sign-in of that person would give (no password).
    """
    with service_connection(settings) as connection:
        message = _(
            "Connected to %(url)s as %(dn)s; the user filter finds %(count)s people under "
            "%(base)s.",
            url=settings.url, dn=settings.bind_dn or _("anonymous"),
            count=count_people(connection, settings), base=settings.base_dn,
        )  # fmt: skip
        if not username:
            return message
        entry = find_entry(connection, settings, username)
        if entry is None:
            return message + " " + _("Nobody is found as “%(name)s”.", name=username)
        person = person_of(connection, settings, entry, username)
        active = _is_active(connection, settings, entry)
    return message + " " + _(
        "“%(name)s” is %(dn)s: role %(role)s, unit %(unit)s%(state)s.",
        name=username, dn=entry.dn, role=person.role or _("(not mapped)"),
        unit=person.unit_path or settings.default_unit or _("(default)"),
        state="" if active else _(", deactivated by the directory"),
    )  # fmt: skip


def sync_accounts(settings: LdapSettings) -> tuple[int, int]:
    """Bring every active LDAP account up to date; deactivate those the directory dropped.

    Returns (updated, deactivated). Run by ``flask --app wsgi users sync-directory``.
    """
    updated = deactivated = 0
    with service_connection(settings) as connection:
        if count_people(connection, settings) == "0":  # a wrong setting, not everyone leaving
            raise DirectoryError(
                _("The user filter finds nobody under %(base)s: nothing was changed.",
                  base=settings.base_dn),
            )  # fmt: skip
        for user in directory_users.directory_users(AuthSource.LDAP):
            if not user.is_active:
                continue
            entry = find_entry(connection, settings, user.username)
            if entry is None or not _is_active(connection, settings, entry):
                directory_users.deactivate(user)
                deactivated += 1
                continue
            directory_users.sign_in(
                person_of(connection, settings, entry, user.username), login=False
            )
            updated += 1
    return updated, deactivated

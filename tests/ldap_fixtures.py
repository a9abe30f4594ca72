"""A real OpenLDAP server for the directory tests: Debian's ``slapd`` on a free port of
127.0.0.1, with a temporary configuration and database loaded from :data:`PEOPLE`.

Without ``slapd`` the tests that need it skip (``CI=true``: they fail; ``.ci/run`` installs
``slapd`` and ``ldap-utils``).
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

BASE_DN = "dc=example,dc=org"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-secret"
SCHEMAS = ("core", "cosine", "inetorgperson", "nis")


@dataclass(frozen=True)
class Person:
    uid: str
    name: str
    password: str
    ou: str = ""  # "sales": uid=...,ou=sales,ou=people
    department: str = ""
    employee_type: str = ""
    mail: str = ""

    @property
    def dn(self) -> str:
        ou = f"ou={self.ou},ou=people" if self.ou else "ou=people"
        return f"uid={self.uid},{ou},{BASE_DN}"


PEOPLE = (
    Person("alice", "王丽", "alice-pass", ou="sales", department="SALES", mail="alice@example.org"),
    Person("bob", "Bob Li", "bob-pass", ou="engineering", department="ENG"),
    Person("carol", "Carol Zhao", "carol-pass", employee_type="left"),
)
GROUPS = {"lms-admins": ("alice",), "lms-organizers": ("bob", "alice")}


def _value(name: str, value: str) -> str:
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def person_ldif(person: Person) -> str:
    lines = [
        f"dn: {person.dn}",
        "objectClass: inetOrgPerson",
        f"uid: {person.uid}",
        _value("cn", person.name),
        _value("sn", person.name),
        f"userPassword: {person.password}",
    ]
    if person.department:
        lines.append(f"departmentNumber: {person.department}")
    if person.employee_type:
        lines.append(f"employeeType: {person.employee_type}")
    if person.mail:
        lines.append(f"mail: {person.mail}")
    return "\n".join(lines)


def _ldif() -> str:
    blocks = [
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example",
        *(
            f"dn: {dn}\nobjectClass: organizationalUnit\nou: {dn.split(',')[0][3:]}"
            for dn in (
                f"ou=people,{BASE_DN}",
                f"ou=sales,ou=people,{BASE_DN}",
                f"ou=engineering,ou=people,{BASE_DN}",
                f"ou=groups,{BASE_DN}",
            )
        ),
        *(person_ldif(person) for person in PEOPLE),
    ]
    by_uid = {person.uid: person for person in PEOPLE}
    for group, members in GROUPS.items():
        lines = [f"dn: cn={group},ou=groups,{BASE_DN}", "objectClass: groupOfNames", f"cn: {group}"]
        lines += [f"member: {by_uid[uid].dn}" for uid in members]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _config(folder: Path) -> str:
    includes = "\n".join(f"include /etc/ldap/schema/{name}.schema" for name in SCHEMAS)
    return f"""{includes}
pidfile {folder}/slapd.pid
TLSCertificateFile {folder}/server.pem
TLSCertificateKeyFile {folder}/server.key
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{BASE_DN}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {folder}/data
"""


def _slapd() -> str | None:
    return shutil.which("slapd") or next(
        (path for path in ("/usr/sbin/slapd",) if os.access(path, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"slapd exited: {process.stderr.read().decode() if process.stderr else ''}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("slapd did not start listening")


@dataclass(frozen=True)
class Directory:
    url: str
    ldaps_url: str = ""  # the same server over TLS, its certificate signed by ``ca_pem``
    ca_pem: str = ""
    base_dn: str = BASE_DN
    admin_dn: str = ADMIN_DN
    admin_password: str = ADMIN_PASSWORD

    def connection(self) -> object:
        from ldap3 import Connection  # noqa: PLC0415

        return Connection(self.url, self.admin_dn, self.admin_password, auto_bind=True)

    def add(self, person: Person) -> None:
        connection = self.connection()
        attributes = {"uid": person.uid, "cn": person.name, "sn": person.name,
                      "userPassword": person.password}  # fmt: skip
        if person.employee_type:
            attributes["employeeType"] = person.employee_type
        connection.add(person.dn, ["inetOrgPerson"], attributes)  # type: ignore[attr-defined]
        connection.unbind()  # type: ignore[attr-defined]

    def delete(self, dn: str) -> None:
        connection = self.connection()
        connection.delete(dn)  # type: ignore[attr-defined]
        connection.unbind()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    """An OpenLDAP server with the people of :data:`PEOPLE`, for this test session."""
    binary = _slapd()
    if binary is None:
        message = "install Debian's slapd to run the LDAP tests"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}")
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "data").mkdir()
    ca = trustme.CA()
    certificate = ca.issue_cert("localhost", "127.0.0.1")
    certificate.private_key_pem.write_to_path(str(folder / "server.key"))
    certificate.cert_chain_pems[0].write_to_path(str(folder / "server.pem"))
    config = folder / "slapd.conf"
    config.write_text(_config(folder))
    (folder / "people.ldif").write_text(_ldif())
    subprocess.run(
        [str(Path(binary).with_name("slapadd")), "-q", "-f", str(config),
         "-l", str(folder / "people.ldif")],
        check=True, capture_output=True,
    )  # fmt: skip
    port, tls_port = _free_port(), _free_port()
    url = f"ldap://127.0.0.1:{port}"
    listen = f"{url}/ ldaps://127.0.0.1:{tls_port}/"
    process = subprocess.Popen(
        [binary, "-f", str(config), "-h", listen, "-d", "0"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        _wait_for(port, process)
        _wait_for(tls_port, process)
        yield Directory(url=url, ldaps_url=f"ldaps://localhost:{tls_port}",
                        ca_pem=ca.cert_pem.bytes().decode())  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=10)

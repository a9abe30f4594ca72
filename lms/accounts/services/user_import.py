"""Bulk import of users from CSV or XLSX: every row is checked, then all are created or none.

Columns (Chinese or English headers, any order; unknown columns are refused):

=============  ===========  ========  ================================================
English        中文          required  meaning
=============  ===========  ========  ================================================
username       用户名        yes       login name, unique
display_name   姓名          yes       name shown on pages and leaderboards
unit           单位          yes       existing unit path, ``Org/Branch/Group``
role           角色          no        member (default), organizer, admin; 成员/组织者/管理员
password       初始密码      no        initial password; generated and shown when empty
language       语言          no        zh_Hans or en; empty: browser default
=============  ===========  ========  ================================================
"""

from __future__ import annotations

import csv
import io
import secrets
import zipfile
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from lms.accounts.models import OrgUnit, Role, User
from lms.accounts.services import users
from lms.accounts.services.org_units import split_path
from lms.accounts.services.passwords import check_password_policy
from lms.accounts.signals import unit_assigned
from lms.core.errors import DomainError, ValidationError
from lms.core.extensions import db
from lms.core.uploads import TooLargeError

MAX_ROWS = 5000
MAX_BYTES = 10 * 1024 * 1024
# (key, English header, Chinese header, required, description)
TEMPLATE_COLUMNS = (
    ("username", "username", "用户名", True, _l("Login name, unique (letters, digits, . _ @ -)")),
    ("display_name", "display_name", "姓名", True, _l("Name shown on pages and leaderboards")),
    ("unit", "unit", "单位", True, _l("Path of an existing unit, e.g. Org/Branch/Group")),
    (
        "role",
        "role",
        "角色",
        False,
        _l("member (default), organizer or admin; 成员, 组织者, 管理员"),
    ),
    ("password", "password", "初始密码", False, _l("Initial password; generated when empty")),
    ("language", "language", "语言", False, _l("zh_Hans or en; empty for the browser's language")),
)
HEADER_ALIASES = {
    "username": "username", "用户名": "username", "账号": "username", "帐号": "username",
    "display_name": "display_name", "display name": "display_name", "name": "display_name",
    "姓名": "display_name", "显示名": "display_name",
    "unit": "unit", "org": "unit", "单位": "unit", "组织": "unit", "部门": "unit",
    "role": "role", "角色": "role",
    "password": "password", "初始密码": "password", "密码": "password",
    "language": "language", "语言": "language",
}  # fmt: skip
ROLE_ALIASES = {
    "": Role.MEMBER.value, "member": Role.MEMBER.value, "成员": Role.MEMBER.value,
    "学员": Role.MEMBER.value, "organizer": Role.ORGANIZER.value,
    "organiser": Role.ORGANIZER.value, "组织者": Role.ORGANIZER.value,
    "admin": Role.ADMIN.value, "administrator": Role.ADMIN.value, "管理员": Role.ADMIN.value,
}  # fmt: skip
LANGUAGE_ALIASES = {"": None, "zh_hans": "zh_Hans", "zh": "zh_Hans", "zh-cn": "zh_Hans",
                    "中文": "zh_Hans", "en": "en", "english": "en", "英文": "en"}  # fmt: skip


# Letters and digits that cannot be mistaken for one another when read out or typed from paper;
# a password never starts with a character a spreadsheet would read as a formula.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105
GENERATED_LENGTH = 12


def generate_password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GENERATED_LENGTH))


@dataclass
class ImportedUser:
    user: User
    initial_password: str | None  # set when the import generated it


@dataclass
class ImportResult:
    created: list[ImportedUser] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(filename: str, data: bytes) -> list[list[str]]:
    """All rows of the first sheet (or the CSV) as stripped strings, header row first."""
    if not data:
        raise ValidationError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise TooLargeError(_("The file is larger than %(n)d MB.", n=MAX_BYTES // 1024 // 1024))
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
            raise ValidationError(_("This is not an Excel .xlsx file.")) from error
        sheet = workbook.worksheets[0]
        rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    if name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError as error:
                raise ValidationError(_("The CSV file is not UTF-8 or GB18030 text.")) from error
        if "\x00" in text:
            raise ValidationError(_("This is not a CSV text file."))
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    raise ValidationError(_("Only .csv and .xlsx files can be imported."))


def _columns(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    problems = []
    for index, title in enumerate(header):
        if not title:
            continue
        key = HEADER_ALIASES.get(title.strip().lower())
        if key is None:
            problems.append(_("row 1: unknown column “%(title)s”", title=title))
        elif key in columns:
            problems.append(_("row 1: column “%(title)s” appears twice", title=title))
        else:
            columns[key] = index
    for key, english, chinese, required, _description in TEMPLATE_COLUMNS:
        if required and key not in columns:
            problems.append(
                _("row 1: missing column “%(en)s” (or “%(zh)s”)", en=english, zh=chinese)
            )
    if problems:
        raise ValidationError(_("The header row is not valid."), problems=problems)
    return columns


def import_users(filename: str, data: bytes) -> ImportResult:
    rows = read_rows(filename, data)
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ValidationError(_("The file is empty."))
    columns = _columns(rows[0])
    body = rows[1:]
    if not any(any(row) for row in body):
        raise ValidationError(_("The file has a header row but no users."))
    if len(body) > MAX_ROWS:
        raise ValidationError(_("At most %(n)d users can be imported at once.", n=MAX_ROWS))

    units = {unit.path: unit for unit in db.session.scalars(select(OrgUnit))}
    wanted = set()
    for row in body:
        index = columns["username"]
        if index < len(row):
            wanted.add(users.normalise_username(row[index]))
    taken = set(db.session.scalars(select(User.username).where(User.username.in_(wanted))))

    problems: list[str] = []
    seen: dict[str, int] = {}
    accepted = []
    for number, row in enumerate(body, start=2):
        if not any(row):
            continue
        values = {key: (row[i] if i < len(row) else "") for key, i in columns.items()}
        row_problems = _check_row(values, number, units, taken, seen)
        problems.extend(row_problems)
        if not row_problems:
            accepted.append(values)
    if problems:
        raise ValidationError(_("Some rows are not valid."), problems=problems)

    result = ImportResult()
    for values in accepted:
        password = values.get("password") or None
        generated = None if password else generate_password()
        user = users.build_user(  # usernames were checked against the database above
            username=values["username"],
            password=password or generated or "",
            display_name=values["display_name"],
            role=ROLE_ALIASES[values.get("role", "").lower()],
            unit=units["/".join(split_path(values["unit"]))],
            language=LANGUAGE_ALIASES[values.get("language", "").lower()],
        )
        result.created.append(ImportedUser(user, generated))
    db.session.add_all(row.user for row in result.created)
    db.session.flush()
    unit_assigned.send(users=[row.user for row in result.created])
    return result


def _check_row(
    values: dict[str, str],
    number: int,
    units: dict[str, OrgUnit],
    taken: set[str],
    seen: dict[str, int],
) -> list[str]:
    problems = []

    def problem(message: str) -> None:
        problems.append(_("row %(n)d: %(message)s", n=number, message=message))

    try:
        username = users.check_username(values.get("username", ""))
    except DomainError as error:
        problem(error.message)
        username = None
    if username:
        if username in taken:
            problem(_("the username “%(name)s” is already taken", name=username))
        elif username in seen:
            problem(
                _(
                    "the username “%(name)s” is also on row %(row)d",
                    name=username,
                    row=seen[username],
                )
            )
        else:
            seen[username] = number
    try:
        users.check_display_name(values.get("display_name", ""))
    except DomainError as error:
        problem(error.message)
    unit_path = values.get("unit", "")
    try:
        if "/".join(split_path(unit_path)) not in units:
            problem(_("there is no unit “%(path)s”", path=unit_path))
    except DomainError:
        problem(_("“%(path)s” is not a unit path like Org/Branch/Group", path=unit_path))
    if values.get("role", "").lower() not in ROLE_ALIASES:
        problem(_("unknown role “%(role)s”", role=values["role"]))
    if values.get("language", "").lower() not in LANGUAGE_ALIASES:
        problem(_("unknown language “%(language)s”", language=values["language"]))
    if values.get("password"):
        try:
            check_password_policy(values["password"], username=username)
        except DomainError as error:
            problem(error.message)
    return problems


EXAMPLE_ROW = ("zhangsan", "张三", "示范学院/第一支部", "成员", "", "")


def import_template_file(fmt: str) -> tuple[bytes, str]:
    """A template with Chinese headers and one example row, as CSV (UTF-8 with BOM) or XLSX."""
    header = [chinese for _key, _english, chinese, _required, _description in TEMPLATE_COLUMNS]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerow(EXAMPLE_ROW)
        return buffer.getvalue().encode("utf-8-sig"), "text/csv"
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    sheet.append(list(EXAMPLE_ROW))
    for column in "ABCDEF":
        sheet.column_dimensions[column].width = 22
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

"""Bulk user import from CSV and XLSX: all rows or none, every problem with its row."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from lms.accounts.models import User
from lms.accounts.services.passwords import verify_password
from lms.accounts.services.user_import import import_template_file, import_users
from lms.core.errors import ValidationError
from tests.factories import OrgUnitFactory, UserFactory

HEADER_EN = "username,display_name,unit,role,password,language"
HEADER_ZH = "用户名,姓名,单位,角色,初始密码,语言"


@pytest.fixture(autouse=True)
def english(db):
    """Messages in English, so the assertions read as the source strings."""
    with force_locale("en"):
        yield


@pytest.fixture
def units(db):
    org = OrgUnitFactory(name="示范学院")
    branch = OrgUnitFactory(name="第一支部", parent=org)
    db.session.flush()
    return {"org": org, "branch": branch}


def _csv(*lines: str, encoding: str = "utf-8", newline: str = "\n") -> bytes:
    return newline.join(lines).encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def _problems(filename: str, data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        import_users(filename, data)
    return raised.value.problems or [raised.value.message]


def test_english_headers(db, units):
    result = import_users("u.csv", _csv(
        HEADER_EN,
        "zhangsan,张三,示范学院/第一支部,member,pass-word-1,zh_Hans",
        "boss,王老师,示范学院,admin,,en",
    ))  # fmt: skip
    assert [row.user.username for row in result.created] == ["zhangsan", "boss"]
    zhang, boss = (row.user for row in result.created)
    assert (zhang.unit.path, zhang.role, zhang.language) == (
        "示范学院/第一支部",
        "member",
        "zh_Hans",
    )
    assert (boss.role, boss.language) == ("admin", "en")
    assert result.created[0].initial_password is None
    generated = result.created[1].initial_password
    assert generated
    assert verify_password(boss.password_hash, generated)
    assert verify_password(zhang.password_hash, "pass-word-1")


def test_chinese_headers_any_order_and_chinese_roles(db, units):
    result = import_users("u.csv", _csv(
        "单位,姓名,用户名,角色",
        "示范学院/第一支部,李四,lisi,组织者",
        "示范学院,王五,wangwu,成员",
        "示范学院,赵六,zhaoliu,管理员",
    ))  # fmt: skip
    roles = {row.user.username: row.user.role for row in result.created}
    assert roles == {"lisi": "organizer", "wangwu": "member", "zhaoliu": "admin"}


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("utf-8", "\n"), ("utf-8-sig", "\r\n"), ("gb18030", "\r\n")],
)
def test_csv_encodings_and_line_ends(db, units, encoding, newline):
    data = _csv(HEADER_ZH, "zhangsan,张三,示范学院/第一支部,成员,,", encoding=encoding,
                newline=newline)  # fmt: skip
    result = import_users("u.csv", data)
    assert result.created[0].user.display_name == "张三"


def test_xlsx_with_numbers_and_blank_rows(db, units):
    data = _xlsx([
        ["用户名", "姓名", "单位"],
        [20240001, "学号用户", "示范学院"],
        [None, None, None],
        ["xiaoming", "小明", "示范学院/第一支部"],
    ])  # fmt: skip
    result = import_users("users.xlsx", data)
    assert [row.user.username for row in result.created] == ["20240001", "xiaoming"]


def test_every_bad_row_is_reported_and_nothing_is_created(db, units):
    UserFactory(username="taken")
    db.session.flush()
    before = _count(db)
    problems = _problems("u.csv", _csv(
        HEADER_EN,
        "ok1,好,示范学院,,,",
        "TAKEN,重名,示范学院,,,",
        "dup,甲,示范学院,,,",
        "dup,乙,示范学院,,,",
        "nounit,丙,示范学院/第九支部,,,",
        "badrole,丁,示范学院,boss,,",
        "badlang,戊,示范学院,,,fr",
        "shortpw,己,示范学院,,abc,",
        "bad name!,庚,示范学院,,,",
        "noname,,示范学院,,,",
    ))  # fmt: skip
    text = "\n".join(problems)
    for row, needle in [(3, "taken"), (5, "row 4"), (6, "第九支部"), (7, "boss"), (8, "fr"),
                        (9, "8"), (10, "username"), (11, "display name")]:  # fmt: skip
        assert any(p.startswith(f"row {row}:") and needle in p for p in problems), (row, text)
    assert not any(p.startswith("row 2:") for p in problems)
    assert _count(db) == before


@pytest.mark.parametrize(
    ("header", "needle"),
    [("username,display_name", "unit"), ("username,display_name,unit,age", "age"),
     ("username,用户名,display_name,unit", "twice")],
)  # fmt: skip
def test_header_problems(db, units, header, needle):
    problems = _problems("u.csv", _csv(header, "a,b,c,d"))
    assert any(p.startswith("row 1:") and needle in p for p in problems)


@pytest.mark.parametrize(
    ("filename", "data", "needle"),
    [
        ("u.csv", b"", "empty"),
        ("u.csv", HEADER_EN.encode(), "no users"),
        ("u.xlsx", b"PK\x03\x04 not really a zip", "not an Excel"),
        ("u.xlsx", b"plain text, not a workbook", "not an Excel"),
        ("u.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "CSV"),
        ("u.txt", b"username\nx", ".csv and .xlsx"),
    ],
)
def test_files_that_are_not_user_lists(db, units, filename, data, needle):
    problems = _problems(filename, data)
    assert any(needle in p for p in problems), problems
    assert _count(db) == 0


def test_template_round_trip(db, units):
    data, mimetype = import_template_file("xlsx")
    assert mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(data)).active
    assert [cell.value for cell in sheet[1]] == [
        "用户名",
        "姓名",
        "单位",
        "角色",
        "初始密码",
        "语言",
    ]
    result = import_users("template.xlsx", data)
    assert result.created[0].user.unit.path == "示范学院/第一支部"

    csv_data, _ = import_template_file("csv")
    assert csv_data.startswith("\ufeff用户名".encode())


def test_reads_stay_constant_as_rows_grow(db, units, count_queries):
    def run(rows: int, prefix: str) -> int:
        lines = [HEADER_EN] + [f"{prefix}{n},名{n},示范学院,,pass-word-{n}," for n in range(rows)]
        with count_queries() as counter:
            import_users("u.csv", _csv(*lines))
        return sum(1 for s in counter.statements if s.lstrip().upper().startswith("SELECT"))

    assert run(5, "a") == run(50, "b")

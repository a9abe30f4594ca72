"""The admin's import page: upload, problems listed with row numbers, nothing half-done."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from lms.accounts.models import User
from tests.factories import OrgUnitFactory
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_in, log_out

EN = {"Accept-Language": "en"}


def _upload(client, name: str, content: bytes):
    changes = {"file": (io.BytesIO(content), name)}
    return submit_form(client, "/admin/users/import", changes, headers=EN)


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_good_file_imports_and_shows_generated_passwords(client, db, admin, login_as):
    OrgUnitFactory(name="示范学院")
    db.session.commit()
    login_as(admin)
    csv = "用户名,姓名,单位\nxiaoming,小明,示范学院\n".encode()
    page = _upload(client, "users.csv", csv).get_data(as_text=True)
    assert 'data-testid="import-created"' in page
    assert "xiaoming" in page
    password = page.split("<code>")[-1].split("</code>")[0]
    log_out(client)
    assert log_in(client, "xiaoming", password).status_code == 302


def test_bad_file_lists_problems_and_imports_nothing(client, db, admin, login_as):
    OrgUnitFactory(name="示范学院")
    db.session.commit()
    login_as(admin)
    before = _count(db)
    csv = "username,display_name,unit\nok,好,示范学院\nbad,坏,没有这个单位\n".encode()
    page = _upload(client, "users.csv", csv).get_data(as_text=True)
    assert 'data-testid="import-problems"' in page
    assert "row 3: there is no unit" in page
    assert "Nothing was imported" in page
    assert _count(db) == before


def test_wrong_kind_of_file_is_refused_by_the_form(client, db, admin, login_as):
    login_as(admin)
    response = _upload(client, "notes.txt", b"hello")
    assert response.status_code == 200
    assert "Only .csv and .xlsx files can be imported." in response.get_data(as_text=True)
    missing = submit_form(client, "/admin/users/import", headers=EN)  # no file chosen
    assert "Choose a file to import." in missing.get_data(as_text=True)


def test_templates_download(client, db, admin, login_as):
    login_as(admin)
    xlsx = client.get("/admin/users/import/template.xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["Content-Disposition"]
    assert xlsx.data[:2] == b"PK"
    csv = client.get("/admin/users/import/template.csv")
    assert csv.data.decode("utf-8-sig").startswith("用户名,姓名,单位")


def test_page_documents_the_columns(client, db, admin, login_as):
    login_as(admin)
    page = client.get("/admin/users/import", headers=EN).get_data(as_text=True)
    for column in ("username", "用户名", "display_name", "姓名", "unit", "单位", "role", "角色"):
        assert f"<code>{column}</code>" in page

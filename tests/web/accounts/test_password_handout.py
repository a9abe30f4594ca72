"""Generated passwords of an import download once as a file, then are gone (issue 15, B)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook
from sqlalchemy import func, select

from lms.accounts.models import PasswordHandout
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_in, log_out
from tests.web.accounts.test_admin_import import EN, _upload

HEADER = "用户名,姓名,单位,初始密码\n"
GIVEN = "laowang,老王,示范学院,given-pass-1\n"
FILE = HEADER + "xiaoming,小明,示范学院,\nxiaohong,小红,示范学院,\n" + GIVEN


def _import(client, db, admin, login_as) -> str:
    """Import FILE; the page that answers, with its download form."""
    OrgUnitFactory(name="示范学院")
    db.session.commit()
    login_as(admin)
    page = _upload(client, "users.csv", FILE.encode()).get_data(as_text=True)
    assert 'data-testid="password-handout"' in page
    return page


def _key(page: str) -> str:
    return re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1)


def _download(client, page: str, button: str, **kwargs):
    """Press a download button of the import's answer page."""
    url = "/admin/users/import"
    return submit_form(client, url, form="password-handout", button=button, page=page, **kwargs)


def _handouts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(PasswordHandout))


def test_the_passwords_download_once_and_then_are_gone(client, db, admin, login_as):
    page = _import(client, db, admin, login_as)
    stored = db.session.scalar(select(PasswordHandout.payload))
    assert b"xiaoming" not in stored  # encrypted; the key is not kept
    assert _key(page) not in str(db.session.scalar(select(PasswordHandout.key_hash)))

    response = _download(client, page, "xlsx")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert [row[:3] for row in rows[1:]] == [
        ("xiaoming", "小明", "示范学院"), ("xiaohong", "小红", "示范学院")
    ]  # fmt: skip
    assert _handouts(db) == 0

    again = _download(client, page, "csv", headers=EN, follow_redirects=True)
    assert "already downloaded or have expired" in again.get_data(as_text=True)

    log_out(client)
    for username, _name, _unit, password in rows[1:]:
        assert log_in(client, username, password).status_code == 302
        log_out(client)


def test_csv_download(client, db, admin, login_as):
    page = _import(client, db, admin, login_as)
    response = _download(client, page, "csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["xiaoming", "xiaohong"]
    assert all(re.fullmatch(r"[A-Za-z2-9]{12}", row[3]) for row in rows[1:])


def test_the_handout_expires_and_belongs_to_its_admin(client, db, admin, login_as, clock):
    page = _import(client, db, admin, login_as)
    login_as(UserFactory(role="admin"))
    # by hand: another admin is never shown this key
    forged = {"key": _key(page), "xlsx": "y"}
    other = client.post("/admin/users/import/passwords", data=forged)
    assert other.status_code == 302
    assert _handouts(db) == 1
    login_as(admin)
    clock.advance(minutes=61)
    late = _download(client, page, "xlsx")
    assert late.status_code == 302
    assert _handouts(db) == 0


def test_no_handout_when_every_password_was_given(client, db, admin, login_as):
    OrgUnitFactory(name="示范学院")
    db.session.commit()
    login_as(admin)
    page = _upload(
        client, "u.csv", "用户名,姓名,单位,初始密码\nlaowang,老王,示范学院,given-pass-1\n".encode()
    )
    assert 'data-testid="password-handout"' not in page.get_data(as_text=True)
    assert _handouts(db) == 0

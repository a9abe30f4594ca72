"""An admin imports users and downloads their generated passwords once (issue 15, B)."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.test_admin_pages import ADMIN_PASSWORD, _admin
from tests.browser.test_member_journey import log_in
from tests.factories import OrgUnitFactory

FILE = "用户名,姓名,单位\nxiaoming,小明,示范学院\nxiaohong,小红,示范学院\n"


def test_admin_downloads_the_generated_passwords_once(
    page: Page, site: str, make_user, db, browser_errors, tmp_path
) -> None:
    _admin(make_user, db)
    OrgUnitFactory(name="示范学院")
    db.session.commit()
    upload = tmp_path / "users.csv"
    upload.write_text(FILE, encoding="utf-8")

    log_in(page, site, "root", ADMIN_PASSWORD)
    page.goto(f"{site}/admin/users/import")
    page.get_by_label("CSV 或 Excel 文件").set_input_files(str(upload))
    page.get_by_role("button", name="导入").click()
    expect(page.get_by_test_id("import-created")).to_contain_text("xiaohong")

    with page.expect_download() as download:
        page.get_by_role("button", name="下载初始密码（Excel）").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    rows = list(load_workbook(io.BytesIO(saved.read_bytes())).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["xiaoming", "xiaohong"]
    shown = page.get_by_test_id("import-created").locator("code").all_inner_texts()
    assert [row[3] for row in rows[1:]] == shown

    # The passwords are gone from the server: a second try says so.
    page.get_by_role("button", name="下载初始密码（CSV）").click()
    expect(page.locator(".flash-error")).to_contain_text("已被下载或已过期")
    assert browser_errors == []

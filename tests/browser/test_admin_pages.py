"""Admin journeys in Chromium: the organisation tree, reset links, and a form error."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in, log_out
from tests.factories import OrgUnitFactory

ADMIN_PASSWORD = "admin-pass-1"


def _admin(make_user, db) -> None:
    make_user(username="root", role="admin", password=ADMIN_PASSWORD,
              unit=OrgUnitFactory(name="总部"))  # fmt: skip
    db.session.commit()


def test_admin_builds_the_organisation_tree(page: Page, site: str, make_user, db, browser_errors):
    _admin(make_user, db)
    log_in(page, site, "root", ADMIN_PASSWORD)
    page.goto(f"{site}/admin/units/")
    page.get_by_role("button", name="新建顶级单位").click()
    page.get_by_label("名称").fill("示范学院")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("示范学院")

    row = page.get_by_test_id("unit-row").filter(has_text="示范学院")
    row.get_by_role("link", name="添加下级单位").click()
    expect(page.locator("#parent_id option:checked")).to_have_text("示范学院")
    page.get_by_label("名称").fill("第一支部")
    page.get_by_label("负责人（用户名，可不填）").fill("root")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("示范学院/第一支部")
    child = page.get_by_test_id("unit-row").filter(has_text="第一支部")
    expect(child).to_have_class(re.compile(r"depth-1"))
    expect(child).to_contain_text("负责人：Root")

    # A parent with a child cannot be deleted: the refusal says why and the unit stays.
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("unit-row").filter(has_text="示范学院").first.get_by_role(
        "button", name="删除"
    ).click()
    expect(page.locator(".flash-error")).to_contain_text("下级单位")
    expect(page.get_by_test_id("unit-row")).to_have_count(3)
    assert browser_errors == []


def test_reset_link_lets_a_member_choose_a_new_password(
    page: Page, site: str, make_user, db, browser_errors
):
    _admin(make_user, db)
    member = make_user(username="xiaohong", display_name="小红", password="old-pass-11")
    log_in(page, site, "root", ADMIN_PASSWORD)
    page.goto(f"{site}/admin/users/{member.id}/edit")
    page.get_by_role("button", name="生成密码重置链接").click()
    link = page.get_by_test_id("reset-url").input_value()
    assert "/reset/" in link
    log_out(page)

    page.goto(link)
    expect(page.locator("h1")).to_have_text("设置新密码")
    page.get_by_label(re.compile("^新密码")).fill("new-pass-22")
    page.get_by_label("再次输入新密码").fill("new-pass-22")
    page.get_by_role("button", name="设置密码").click()
    expect(page.locator(".flash-success")).to_be_visible()
    log_in(page, site, "xiaohong", "new-pass-22")
    expect(page.locator("h1")).to_contain_text("小红")
    assert browser_errors == []

    # The link worked once; now it answers 404 with a friendly page.
    response = page.goto(link)
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("链接无效")


def test_a_bad_form_shows_the_error_next_to_the_field(
    page: Page, site: str, make_user, db, browser_errors
):
    _admin(make_user, db)
    log_in(page, site, "root", ADMIN_PASSWORD)
    page.goto(f"{site}/admin/users/new")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("姓名").fill("Another root")
    page.get_by_label("初始密码").fill("long-enough-1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#username-errors")).to_contain_text("root")
    expect(page.locator("#username")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#display_name")).to_have_value("Another root")
    assert browser_errors == []

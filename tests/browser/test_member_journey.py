"""The foundation's main journey, in Chromium, at desktop and phone sizes.

An admin creates a member; the member logs in (the page is in Chinese), switches to English,
changes the password and logs out; the old password no longer works and the new one does.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import OrgUnitFactory

ADMIN_PASSWORD = "admin-pass-1"


def either(chinese: str, english: str) -> re.Pattern[str]:
    """A control's whole name in either language (a required field's label ends in "*")."""
    return re.compile(rf"^\s*({re.escape(chinese)}|{re.escape(english)})(\s*\*)?\s*$")


def log_in(page: Page, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label(either("用户名", "Username")).fill(username)
    page.get_by_label(either("密码", "Password")).fill(password)
    page.get_by_role("button", name=either("登录", "Log in")).click()


def open_menu(page: Page) -> None:
    """On a phone or a tablet (narrower than 1024 px) the menu is folded behind the ☰ button."""
    page.wait_for_load_state()
    viewport = page.viewport_size or {"width": 1280}
    menu = page.locator("#main-menu")
    if viewport["width"] < 1024 and not menu.is_visible():
        page.get_by_role("button", name=either("菜单", "Menu")).click()
    expect(menu).to_be_visible()
    manage = page.locator("details.nav-manage")
    if manage.count() and manage.get_attribute("open") is None:  # staff pages are one level down
        manage.get_by_text(either("管理", "Manage")).click()


def log_out(page: Page) -> None:
    open_menu(page)
    manage = page.locator("details.nav-manage[open]")
    if manage.count():  # an open Manage menu lies over the bar: fold it first
        manage.get_by_text(either("管理", "Manage")).click()
    page.get_by_role("button", name=either("退出登录", "Log out")).click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_creates_member_who_studies_in_two_languages(
    page: Page, site: str, make_user, db, browser_errors, viewport
) -> None:
    page.set_viewport_size(viewport)
    branch = OrgUnitFactory(name="第一支部", parent=OrgUnitFactory(name="示范学院"))
    make_user(username="root", role="admin", password=ADMIN_PASSWORD, unit=branch)
    unit_label = branch.path
    db.session.commit()

    # The admin creates the member through the New user form.
    log_in(page, site, "root", ADMIN_PASSWORD)
    expect(page).to_have_url(f"{site}/")
    open_menu(page)
    page.get_by_role("link", name="用户", exact=True).click()
    page.get_by_role("button", name="新建用户").click()
    page.get_by_label("用户名").fill("xiaoming")
    page.get_by_label("姓名").fill("小明")
    page.get_by_label("角色").select_option("member")
    page.get_by_label("单位").select_option(label=unit_label)
    page.get_by_label("初始密码").fill("first-pass-1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("xiaoming")
    expect(page.locator("table")).to_contain_text("小明")
    log_out(page)

    # The member logs in; the site speaks Chinese by default.
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text("登录")
    log_in(page, site, "xiaoming", "first-pass-1")
    expect(page.get_by_test_id("home-unit")).to_have_text(unit_label)
    expect(page.locator("h1")).to_contain_text("小明")
    open_menu(page)
    expect(page.get_by_test_id("logout")).to_have_text("退出登录")

    # Switching to English in the footer.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    open_menu(page)
    expect(page.get_by_test_id("logout")).to_have_text("Log out")
    expect(page.get_by_role("link", name="Home")).to_be_visible()

    # Changing the password from the profile page.
    page.get_by_role("link", name="小明").click()
    expect(page.get_by_test_id("profile-unit")).to_have_text(unit_label)
    page.get_by_role("button", name="Change password").click()
    page.get_by_label("Current password").fill("first-pass-1")
    page.get_by_label(re.compile("^New password")).fill("second-pass-2")
    page.get_by_label("Repeat the new password").fill("second-pass-2")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".flash-success")).to_contain_text("password was changed")
    log_out(page)
    expect(page).to_have_url(re.compile(r"/login$"))

    # The old password is refused, the new one works, and English stuck to the profile.
    log_in(page, site, "xiaoming", "first-pass-1")
    expect(page.locator(".flash-error")).to_be_visible()
    log_in(page, site, "xiaoming", "second-pass-2")
    expect(page).to_have_url(f"{site}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert browser_errors == []

"""Logging out after "remember me" ends the login, even after the browser restarts (issue 15, E).

A browser restart drops session cookies and keeps persistent ones: the test starts a second
browser context with the first one's persistent cookies, as a restarted browser would.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.test_member_journey import log_out
from tests.factories import PASSWORD


def _restarted(browser: Browser, page: Page, cookies: list | None = None) -> Page:
    kept = [c for c in (cookies or page.context.cookies()) if c.get("expires", -1) > 0]
    context = browser.new_context(locale="zh-CN")
    context.add_cookies(kept)
    return context.new_page()


def test_logout_after_remember_me_ends_the_login(
    page: Page, browser: Browser, site: str, member, browser_errors
) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("用户名").fill("member1")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("记住我").check()
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{site}/")
    remembered = page.context.cookies()
    assert any(c["name"] == "remember_token" for c in remembered)

    # Before logging out, a restarted browser is still logged in: "remember me" works.
    before = _restarted(browser, page)
    before.goto(f"{site}/profile")
    expect(before).to_have_url(f"{site}/profile")
    before.context.close()

    log_out(page)
    expect(page).to_have_url(re.compile(r"/login$"))
    assert not any(c["name"] == "remember_token" for c in page.context.cookies())

    # Neither this browser after a restart nor a copy of the old cookie gets back in.
    for cookies in (None, remembered):
        after = _restarted(browser, page, cookies)
        after.goto(f"{site}/profile")
        expect(after).to_have_url(re.compile(r"/login\?next=/profile$"))
        after.context.close()
    assert browser_errors == []

"""The notification centre in the browser: the bell, opening and reading, the settings, email."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from lms.points import services as points
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in
from tests.notification_fixtures import Mailbox

PASSWORD = "notify-pass-123"
SHOTS = Path(tempfile.gettempdir())


def test_member_reads_notifications_and_chooses_email(
    page: Page, site: str, make_user: Any, db: Any, mailbox: Mailbox, browser_errors: list[str]
) -> None:
    from lms.notifications.sender import send_due  # noqa: PLC0415 - run as cron would

    page.set_viewport_size(PHONE)  # the bell stays in sight beside the folded menu
    boss = make_user(username="boss", role="admin")
    member = make_user(username="xiaoming", display_name="王小明", password=PASSWORD)
    points.adjust(member, 8, "知识竞赛志愿者", by=boss)
    points.adjust(member, 5, "读书分享", by=boss)
    db.session.commit()

    log_in(page, site, "xiaoming", PASSWORD)
    bell = page.get_by_role("link", name="通知，2 条未读")
    expect(bell).to_be_visible()
    bell.click()
    items = page.get_by_test_id("notification")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("读书分享")  # newest first
    page.screenshot(path=SHOTS / "notifications-list-phone.png", full_page=True)
    items.first.get_by_role("button", name="您获得了 5 积分", exact=True).click()
    expect(page).to_have_url(f"{site}/points")
    expect(page.get_by_role("link", name="通知，1 条未读")).to_be_visible()

    page.get_by_role("link", name="通知，1 条未读").click()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_role("link", name="通知", exact=True)).to_be_visible()
    page.get_by_role("button", name="通知设置").click()
    page.get_by_label("接收通知的电子邮箱").fill("xiaoming@example.org")
    page.get_by_label("电子邮件：我获得了积分").check()
    page.get_by_label("电子邮件：通知公告").uncheck()
    page.get_by_role("button", name="保存设置").click()
    expect(page.locator(".flash-success")).to_have_text("通知设置已保存。")
    expect(page.get_by_label("电子邮件：我获得了积分")).to_be_checked()
    page.screenshot(path=SHOTS / "notifications-settings-phone.png", full_page=True)

    points.adjust(member, 20, "优秀学员", by=boss)
    db.session.commit()
    assert send_due().sent == 1
    (email,) = mailbox.messages
    assert email["Subject"] == "您获得了 20 积分"
    assert "优秀学员" in email.get_body(("plain",)).get_content()
    assert browser_errors == []

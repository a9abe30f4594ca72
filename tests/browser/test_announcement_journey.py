"""Announcements in the browser: a unit leader posts one asking for acknowledgement, a member
reads and acknowledges it from the home page on a phone, the leader sees who read it and
downloads the list."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out
from tests.factories import OrgUnitFactory

PASSWORD = "notice-pass-123"
SHOTS = Path(tempfile.gettempdir()) / "shots-announce"


def test_a_leader_posts_a_member_acknowledges_the_leader_sees_who_read_it(
    page: Page, site: str, make_user: Any, db: Any, browser_errors: list[str]
) -> None:
    SHOTS.mkdir(exist_ok=True)
    college = OrgUnitFactory(name="示范学院")
    branch = OrgUnitFactory(name="第一支部", parent=college)
    OrgUnitFactory(name="第二支部", parent=college)
    leader = make_user(username="leader", display_name="张书记", password=PASSWORD, unit=branch)
    branch.leader = leader
    make_user(username="xiaoming", display_name="王小明", password=PASSWORD, unit=branch)
    db.session.commit()

    log_in(page, site, "leader", PASSWORD)
    page.get_by_role("link", name="通知公告", exact=True).click()
    page.get_by_role("button", name="发布通知公告").click()
    page.get_by_label("标题").fill("关于召开支部党员大会的通知")
    page.get_by_label("正文（Markdown）").fill("本周五 **15:00** 在三楼会议室召开。")
    page.get_by_role("button", name="发布").click()
    expect(page.locator("#unit_ids-errors")).to_be_visible()  # a leader names their units
    page.get_by_label("单位（含其下属单位）").select_option(label="示范学院/第一支部")
    page.get_by_label("要求接收人确认已读").check()
    page.get_by_role("button", name="发布").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("stat-audience")).to_have_text("2")
    expect(page.get_by_test_id("stat-read")).to_have_text("1")  # the author's own
    log_out(page)

    page.set_viewport_size(PHONE)
    log_in(page, site, "xiaoming", PASSWORD)
    card = page.get_by_test_id("home-announcements")
    expect(card.get_by_test_id("awaits-ack")).to_be_visible()
    page.screenshot(path=SHOTS / "journey-home-phone.png", full_page=True)
    card.get_by_role("link", name="关于召开支部党员大会的通知").click()
    expect(page.get_by_test_id("announcement-body").locator("strong")).to_have_text("15:00")
    page.get_by_role("button", name="我已阅读并知晓").click()
    expect(page.get_by_test_id("acknowledged")).to_be_visible()
    page.screenshot(path=SHOTS / "journey-acknowledged-phone.png", full_page=True)
    log_out(page)

    page.set_viewport_size(DESKTOP)
    log_in(page, site, "leader", PASSWORD)
    page.get_by_role("link", name="通知公告", exact=True).click()
    page.get_by_role("button", name="已发布的通知公告").click()
    page.get_by_role("link", name="关于召开支部党员大会的通知").click()
    expect(page.get_by_test_id("stat-read")).to_have_text("2")
    expect(page.get_by_test_id("stat-acknowledged")).to_have_text("1")
    page.get_by_label("显示").select_option(label="尚未确认")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_test_id("reader-row")).to_have_count(1)
    expect(page.get_by_test_id("readers-table")).to_contain_text("张书记")
    page.screenshot(path=SHOTS / "journey-readers-desktop.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    names = [row[1] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["张书记", "王小明"]
    assert browser_errors == []

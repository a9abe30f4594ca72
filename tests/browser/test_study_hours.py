"""Study hours (学时) in the browser: an admin sets this year's target, a member completes a
lesson and sees the hours on the home page and in the record, downloads the transcript, and the
admin's report shows who is still behind."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in, log_out
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory

PASSWORD = "hours-pass-123"
SHOTS = Path(tempfile.gettempdir()) / "shots-hours"  # screenshots to look at after a run


def test_target_progress_record_transcript_and_report(
    page: Page, site: str, make_user: Any, db: Any, browser_errors: list[str]
) -> None:
    SHOTS.mkdir(exist_ok=True)
    branch = OrgUnitFactory(name="第一支部", parent=OrgUnitFactory(name="示范学院"))
    make_user(username="boss", role="admin", password=PASSWORD, unit=branch)
    make_user(username="xiaoming", display_name="王小明", password=PASSWORD, unit=branch)
    course = make_course(title="安全生产", modules=((60, 30),), min_read_seconds=0)
    lesson = course.modules[0].items[0]
    lesson.title = "安全生产第一课"
    db.session.commit()

    log_in(page, site, "boss", PASSWORD)
    page.goto(f"{site}/study-hours")
    page.get_by_role("button", name="年度目标").click()
    page.get_by_label(re.compile("^学时")).fill("abc")
    page.get_by_role("button", name="设定目标").click()
    expect(page.locator("#hours-errors")).to_be_visible()
    page.get_by_label(re.compile("^学时")).fill("2")
    page.get_by_role("button", name="设定目标").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("hours-targets")).to_contain_text("所有人")
    page.screenshot(path=SHOTS / "targets-desktop.png", full_page=True)
    log_out(page)

    log_in(page, site, "xiaoming", PASSWORD)
    expect(page.get_by_test_id("home-hours-text")).to_have_text("已完成 0 / 2 学时")
    page.goto(f"{site}/courses/{course.id}")
    page.get_by_role("button", name="报名学习").click()
    page.get_by_role("button", name="继续学习：安全生产第一课").click()
    page.get_by_role("button", name="标记为已学完").click()
    page.get_by_role("link", name="首页").first.click()
    expect(page.get_by_test_id("home-hours-text")).to_have_text("已完成 1 / 2 学时")
    page.get_by_test_id("home-hours").screenshot(path=SHOTS / "home-card.png")
    page.get_by_test_id("home-hours").get_by_role("link", name="我的学时").click()
    expect(page.get_by_test_id("hours-items")).to_contain_text("安全生产第一课")
    expect(page.get_by_test_id("hours-missing")).to_have_text("1")
    page.screenshot(path=SHOTS / "record-desktop.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="学时证明（PDF）").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    log_out(page)

    log_in(page, site, "boss", PASSWORD)
    page.goto(f"{site}/admin/study-hours")
    page.get_by_role("button", name="学时统计").click()
    members = page.get_by_test_id("hours-members")
    expect(members).to_contain_text("王小明")
    page.screenshot(path=SHOTS / "report-desktop.png", full_page=True)
    assert browser_errors == []

"""Study points in the browser: a member's points page and leaderboard; an admin's adjustment."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lms.points import services
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out
from tests.factories import OrgUnitFactory

PASSWORD = "points-pass-123"
SHOTS = Path(tempfile.gettempdir())  # screenshots to look at after a run


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_awards_points_and_the_member_sees_them(
    page: Page, site: str, make_user: Any, db: Any, browser_errors: list[str], viewport: Any
) -> None:
    page.set_viewport_size(viewport)
    name = "desktop" if viewport == DESKTOP else "phone"
    branch = OrgUnitFactory(name="第一支部", parent=OrgUnitFactory(name="示范学院"))
    make_user(username="boss", role="admin", password=PASSWORD, unit=branch)
    member = make_user(username="xiaoming", display_name="王小明", password=PASSWORD, unit=branch)
    rival = make_user(username="rival", display_name="李华", unit=branch)
    services.award(
        member, "lesson_completed", source_type="course_item", source_id=1, reason="安全生产第一课"
    )
    services.award(rival, "activity_attended", source_type="activity", source_id=1, reason="党课")
    db.session.commit()

    log_in(page, site, "boss", PASSWORD)
    page.goto(f"{site}/points")
    page.get_by_role("button", name="规则与积分调整").click()
    page.get_by_label("按用户名或姓名查找成员").fill("小明")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.get_by_test_id("found-members").get_by_role("link", name="王小明 (xiaoming)").click()
    form = page.get_by_test_id("adjust-form")
    form.get_by_label("积分（负数表示扣分）").fill("8")
    form.get_by_role("button", name="记录调整").click()
    expect(form.locator(".field-errors")).to_be_visible()  # the reason is required
    form.get_by_label("理由").fill("知识竞赛志愿者")
    form.get_by_role("button", name="记录调整").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("adjustments")).to_contain_text("知识竞赛志愿者")
    page.screenshot(path=SHOTS / f"points-admin-{name}.png", full_page=True)
    log_out(page)

    log_in(page, site, "xiaoming", PASSWORD)
    page.goto(f"{site}/points")
    expect(page.get_by_test_id("points-total")).to_have_text("11")  # 2 + 8 + 1 for logging in
    history = page.get_by_test_id("points-history")
    expect(history).to_contain_text("知识竞赛志愿者")
    expect(history).to_contain_text("安全生产第一课")
    page.screenshot(path=SHOTS / f"points-mine-{name}.png", full_page=True)
    page.get_by_role("button", name="积分排行榜").click()
    board = page.get_by_test_id("points-board")
    expect(board.locator("tbody tr").first).to_contain_text("王小明")
    expect(page.get_by_test_id("my-rank")).to_contain_text("1")
    page.screenshot(path=SHOTS / f"points-board-{name}.png", full_page=True)
    page.get_by_role("button", name="支部", exact=True).click()
    expect(board).to_contain_text("第一支部")
    page.screenshot(path=SHOTS / f"points-units-{name}.png", full_page=True)
    assert browser_errors == []

"""After results are published, an organizer disqualifies a cheater: the page warns first, the
award leaves the member's profile and the points history says why."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from competitions.models import Entry
from competitions.services import results, standings
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out
from tests.factories import PASSWORD
from tests.unit.competitions.test_results import finished_competition


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_disqualifying_after_publication_withdraws_the_award(
    page: Page, site: str, make_user, db, browser_errors, viewport, tmp_path
) -> None:
    page.set_viewport_size(viewport)
    competition, users = finished_competition(
        [("xiaowang", 9, 100, 10), ("xiaozhao", 7, 120, 10)], top_n=1, title="消防知识竞赛"
    )
    users["xiaowang"].display_name = "小王"
    organizer = make_user(username="zhang", role="organizer", password="organizer-pass-1")
    for entry in db.session.scalars(select(Entry)):  # inserted directly: put them on the boards
        standings.place_on_boards(competition, entry, entry.user_id)
    results.publish_results(competition, organizer)
    db.session.commit()
    shots = tmp_path / f"withdrawal-{viewport['width']}"

    log_in(page, site, "xiaowang", PASSWORD)
    page.goto(f"{site}/profile")
    expect(page.get_by_test_id("profile-awards")).to_contain_text("消防知识竞赛")
    log_out(page)

    log_in(page, site, "zhang", "organizer-pass-1")
    page.goto(f"{site}/manage/competitions/{competition.id}")
    expect(page.get_by_test_id("withdraw-hint")).to_contain_text("撤销其奖项")
    row = page.get_by_test_id("entry-row").filter(has_text="小王")
    row.get_by_label("理由").fill("抄袭答案")
    row.get_by_role("button", name="取消成绩").click()
    expect(page.get_by_test_id("entry-row").filter(has_text="小王")).to_contain_text("抄袭答案")
    first = page.get_by_test_id("entry-row").filter(has_text="Xiaozhao").locator("td").first
    expect(first).to_have_text("1")  # the next participant moves up on the ranking
    page.screenshot(path=f"{shots}-manage.png", full_page=True)
    log_out(page)

    log_in(page, site, "xiaowang", PASSWORD)
    page.goto(f"{site}/profile")
    expect(page.get_by_test_id("profile-awards")).to_have_count(0)
    page.goto(f"{site}/points")
    expect(page.locator("main")).to_contain_text("抄袭答案")
    page.screenshot(path=f"{shots}-points.png", full_page=True)
    assert browser_errors == []

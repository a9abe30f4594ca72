"""An organizer builds a competition over a published quiz and publishes it; a member finds it,
registers, and follows the round link while it runs. Times are placed around the real now."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import current_app
from playwright.sync_api import Page, expect

from lms.core.clock import to_local, utcnow
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out, open_menu
from tests.quiz_factories import make_bank, make_quiz

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_organizer_publishes_a_competition_and_a_member_takes_part(
    page: Page, site: str, make_user, db, browser_errors, viewport, tmp_path
) -> None:
    page.set_viewport_size(viewport)
    quiz = make_quiz(
        make_bank(types=("true_false",)), title="安全知识第一轮", time_limit_seconds=600
    )
    make_user(username="zhang", role="organizer", password="organizer-pass-1")
    make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    db.session.commit()
    zone = current_app.config["TIMEZONE"]
    now = utcnow()
    shots = tmp_path / f"competition-{viewport['width']}"

    log_in(page, site, "zhang", "organizer-pass-1")
    open_menu(page)
    page.get_by_role("link", name="竞赛管理").click()
    page.get_by_role("button", name="新建竞赛").click()
    page.get_by_label("标题").fill("安全知识竞赛")
    page.get_by_label("规则（Markdown）").fill("独立作答，**禁止**交流。")
    for label, moment in (
        ("报名开始时间", now - timedelta(hours=1)),
        ("竞赛开始时间", now - timedelta(minutes=5)),
        ("竞赛结束时间", now + timedelta(hours=2)),
    ):
        page.get_by_label(label).fill(to_local(moment, zone).strftime(LOCAL))
    rounds = page.get_by_label("比赛轮次：已发布的测验（各轮得分相加）")
    rounds.select_option(label="安全知识第一轮 · 10 分钟")
    expect(rounds).to_contain_text("10")  # the quiz's time limit is shown
    page.screenshot(path=f"{shots}-form.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("stage-badge")).to_have_attribute("data-stage", "draft")
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_test_id("stage-badge")).to_have_attribute("data-stage", "running")
    page.screenshot(path=f"{shots}-manage.png", full_page=True)
    log_out(page)

    log_in(page, site, "xiaoli", "member-pass-1")
    expect(page.get_by_test_id("home-competition")).to_contain_text("安全知识竞赛")
    page.get_by_role("button", name="报名").click()
    expect(page.get_by_test_id("rules").locator("p strong")).to_have_text("禁止")
    expect(page.get_by_test_id("round-link")).to_have_count(0)
    page.get_by_role("button", name="报名").click()
    expect(page.get_by_test_id("registered")).to_be_visible()
    page.screenshot(path=f"{shots}-member.png", full_page=True)
    page.get_by_role("link", name="安全知识第一轮").click()
    expect(page).to_have_url(f"{site}/quizzes/{quiz.id}")

    open_menu(page)
    page.get_by_role("link", name="知识竞赛", exact=True).click()
    expect(page.get_by_test_id("competition-card")).to_contain_text("安全知识竞赛")
    page.screenshot(path=f"{shots}-list.png", full_page=True)
    assert browser_errors == []

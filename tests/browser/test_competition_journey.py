"""A member takes part in a competition without ever leaving it: the competition page offers
one thing to do at a time (register, start round 1, ...), the round's pages lead back to the
competition, and handing in lands on the competition again. A finished competition leads to
its results and the member's certificate. The browser clicks what a person sees, by role and
label (the interface is in Chinese, the default)."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from playwright.sync_api import Page, expect

from competitions.models import Competition, Entry
from competitions.services import results
from lms.core.clock import to_local, utcnow
from lms.core.extensions import db
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.competitions.helpers import running

SHOTS = Path(tempfile.gettempdir()) / "shots-competitions"  # screenshots to look at


def sign_in(page: Page, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def open_menu_item(page: Page, name: str, *, manage: bool = False) -> None:
    """Click a menu entry as a person does: ☰ first on a phone, 管理 for staff pages."""
    page.wait_for_load_state()  # the stylesheet decides whether ☰ shows
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible():
        toggle.click()
    if manage:
        page.get_by_text("管理", exact=True).click()
    page.get_by_role("link", name=name, exact=True).click()


def _finished_with_award(member) -> Competition:
    """A competition that ended yesterday, results published, the member placed first."""
    now = utcnow()
    competition = Competition(
        title="上月法规竞赛",
        is_published=True,
        registration_opens_at=now - timedelta(days=9),
        starts_at=now - timedelta(days=8),
        ends_at=now - timedelta(days=1),
    )
    db.session.add(competition)
    db.session.flush()
    db.session.add(
        Entry(
            competition_id=competition.id,
            user_id=member.id,
            unit_id=member.unit_id,
            score=8,
            max_score=10,
            time_used_seconds=300,
            submitted_at=now - timedelta(days=2),
            rounds_done=1,
        )
    )
    db.session.flush()
    results.publish_results(competition, member)
    return competition


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_member_registers_takes_a_round_and_lands_back_in_the_competition(
    page: Page, site: str, make_user, db, browser_errors, viewport
) -> None:
    page.set_viewport_size(viewport)
    SHOTS.mkdir(exist_ok=True)
    shot = f"{SHOTS}/journey-{viewport['width']}"
    bank = make_bank(types=("true_false",))
    quiz = make_quiz(bank, title="安全知识第一轮", time_limit_seconds=600)
    competition = running([quiz], title="安全知识竞赛", ends_at=utcnow() + timedelta(days=7))
    member = make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    finished = _finished_with_award(member)
    db.session.commit()
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, site, "xiaoli", "member-pass-1")
    open_menu_item(page, "知识竞赛")
    page.get_by_role("link", name="安全知识竞赛").first.click()
    action = page.get_by_test_id("next-step")
    expect(action.get_by_role("timer")).to_contain_text("6 天")  # not "167:…"
    page.screenshot(path=f"{shot}-register.png", full_page=True)
    action.get_by_role("button", name="报名").click()

    expect(page.get_by_role("button", name="开始第 1 轮")).to_be_visible()
    page.screenshot(path=f"{shot}-start.png", full_page=True)
    page.get_by_role("button", name="开始第 1 轮").click()

    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    back = page.get_by_role("navigation", name="导航路径").get_by_role("link")
    expect(back).to_have_text("← 安全知识竞赛")
    page.get_by_label("正确").check()
    page.screenshot(path=f"{shot}-attempt.png", full_page=True)
    page.get_by_role("button", name="交卷…").click()
    confirm = page.get_by_role("button", name="交卷", exact=True)
    if confirm.count():  # without the script's dialog, the page asks once more
        confirm.click()

    expect(page).to_have_url(f"{site}/competitions/{competition.id}")
    expect(page.get_by_text("第 1 轮已交卷")).to_be_visible()
    expect(page.get_by_test_id("next-step")).to_contain_text("你已交完所有轮次")
    expect(page.get_by_test_id("round-taken")).to_be_visible()
    page.screenshot(path=f"{shot}-done.png", full_page=True)
    page.get_by_test_id("next-step").get_by_role("link", name="实时排行榜").click()
    expect(page.get_by_label("剩余时间")).to_have_text(re.compile(r"^6 天 \d\d:\d\d:\d\d$"))

    open_menu_item(page, "知识竞赛")
    page.get_by_role("link", name="上月法规竞赛").first.click()
    page.screenshot(path=f"{shot}-finished.png", full_page=True)
    page.get_by_role("button", name="查看结果").click()
    expect(page).to_have_url(f"{site}/competitions/{finished.id}/results")
    expect(page.get_by_test_id("people-results")).to_contain_text("小李")
    page.go_back()
    page.get_by_role("button", name="我的证书").click()
    expect(page.locator("body")).to_contain_text("上月法规竞赛")
    expect(page.locator("body")).to_contain_text("小李")
    assert browser_errors == []


def _published_with_units(db) -> Competition:
    """Published results with three long-named branches and their participants."""
    org = OrgUnitFactory(name="市应急管理局")
    competition = Competition(
        title="安全生产月知识竞赛",
        is_published=True,
        registration_opens_at=utcnow() - timedelta(days=9),
        starts_at=utcnow() - timedelta(days=8),
        ends_at=utcnow() - timedelta(days=1),
        min_participants=1,
        unit_metric="participation",
    )
    db.session.add(competition)
    db.session.flush()
    for number, name in enumerate(("机关党委第一党支部", "安全生产监督管理执法支队", "Logistics")):
        unit = OrgUnitFactory(name=name, parent=org)
        for person in range(2):
            user = UserFactory(unit=unit, display_name=f"参赛者{number}{person}")
            db.session.add(
                Entry(
                    competition_id=competition.id,
                    user_id=user.id,
                    unit_id=unit.id,
                    score=5 + number,
                    max_score=10,
                    time_used_seconds=100 + person,
                    submitted_at=utcnow() - timedelta(days=2),
                    rounds_done=1,
                )
            )
    db.session.flush()
    results.publish_results(competition, UserFactory(role="organizer"))
    return competition


@pytest.mark.parametrize("language", ["简体中文", "English"])
def test_the_results_by_unit_fit_a_phone_in_both_languages(
    page: Page, site: str, make_user, db, browser_errors, language
) -> None:
    page.set_viewport_size(PHONE)
    competition = _published_with_units(db)
    member = make_user(username="xiaoli", password="member-pass-1")
    db.session.add(
        Entry(
            competition_id=competition.id,
            user_id=member.id,
            unit_id=member.unit_id,
            score=1,
            max_score=10,
            time_used_seconds=61,
            submitted_at=utcnow() - timedelta(days=2),
            rounds_done=1,
        )
    )
    db.session.commit()
    sign_in(page, site, "xiaoli", "member-pass-1")
    page.get_by_role("button", name=language).click()
    page.goto(f"{site}/competitions/{competition.id}/results")

    table = page.get_by_test_id("unit-results")
    expect(table).to_contain_text("安全生产监督管理执法支队")
    page.screenshot(path=f"{SHOTS}/results-units-{language}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    box = table.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    page.goto(f"{site}/competitions/{competition.id}")  # its boards and "My result" too
    expect(page.get_by_test_id("my-entry")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/show-{language}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert browser_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_organizer_builds_and_publishes_a_competition_through_the_pages(
    page: Page, site: str, make_user, db, browser_errors, viewport
) -> None:
    page.set_viewport_size(viewport)
    make_quiz(make_bank(types=("true_false",)), title="消防安全第一轮", time_limit_seconds=600)
    make_user(username="zhang", role="organizer", password="organizer-pass-1")
    make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    db.session.commit()
    zone = current_app.config["TIMEZONE"]
    now = utcnow()

    sign_in(page, site, "zhang", "organizer-pass-1")
    open_menu_item(page, "竞赛管理", manage=True)
    page.get_by_role("button", name="新建竞赛").click()
    page.get_by_label("标题").fill("消防安全知识竞赛")
    page.get_by_label("规则（Markdown）").fill("独立作答。")
    for label, moment in (
        ("报名开始时间", now - timedelta(hours=1)),
        ("竞赛开始时间", now - timedelta(minutes=5)),
        ("竞赛结束时间", now + timedelta(days=2)),
    ):
        page.get_by_label(label).fill(to_local(moment, zone).strftime("%Y-%m-%dT%H:%M"))
    rounds = page.get_by_label("比赛轮次：已发布的测验（各轮得分相加）")
    rounds.select_option(label="消防安全第一轮 · 10 分钟")
    page.get_by_label("结束前封榜分钟数（0 表示不封榜）").fill("1440")
    page.screenshot(path=f"{SHOTS}/organizer-form-{viewport['width']}.png", full_page=True)
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("竞赛已保存为草稿，准备就绪后请发布。")).to_be_visible()
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("button", name="立即封榜")).to_be_visible()
    page.screenshot(path=f"{SHOTS}/organizer-manage-{viewport['width']}.png", full_page=True)
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("button", name="退出登录").click()

    sign_in(page, site, "xiaoli", "member-pass-1")
    open_menu_item(page, "知识竞赛")
    page.get_by_role("link", name="消防安全知识竞赛").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("消防安全知识竞赛")
    expect(page.get_by_text("结束前最后 1 天封榜")).to_be_visible()
    expect(page.get_by_role("button", name="报名")).to_be_visible()
    assert browser_errors == []

"""A stage round as it happens in a hall: the host sets it up and runs it from a laptop, a judge
marks from a tablet, two teams buzz and pick risk values on their phones, and the big screen
follows without anyone touching it (every page through nginx + Nchan, the judge's too). One
buzzer question (with an early buzz: a foul) and one risk question (answered on the phone,
marked wrong, undone, marked right), then freeze and reveal."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in
from tests.quiz_factories import make_bank

SHOTS = Path(tempfile.gettempdir()) / "shots-stage"
PASSWORD = "stage-pass-1"
WAIT = 8000  # ms: the pages poll every 1.5 s


def _context(browser: Browser, viewport: dict[str, int]) -> BrowserContext:
    return browser.new_context(locale="zh-CN", viewport=viewport)


def _phone(browser: Browser, site: str, username: str, pin: str, team: str) -> Page:
    phone = _context(browser, PHONE).new_page()
    log_in(phone, site, username, PASSWORD)
    expect(phone).not_to_have_url(re.compile(r"/login"))
    phone.goto(f"{site}/live/stage/join")
    phone.get_by_label("PIN 码").fill(pin)
    phone.get_by_role("button", name="加入", exact=True).click()
    phone.get_by_label("你的队伍").select_option(label=team)
    phone.get_by_role("button", name="加入该队").click()
    expect(phone.get_by_test_id("my-team")).to_have_text(f"你的队伍：{team}")
    return phone


def _score(screen: Page, team: str, score: int) -> None:
    row = screen.get_by_test_id("screen-scores").get_by_role("row").filter(has_text=team)
    expect(row).to_contain_text(str(score), timeout=WAIT)


def test_a_stage_round_with_buzzer_and_risk_questions_and_a_judge(
    page: Page, browser: Browser, push_site: str, make_user, db, browser_errors
) -> None:
    site = push_site  # through nginx + Nchan: the pages subscribe to the session's channel
    SHOTS.mkdir(exist_ok=True)
    make_user(username="host", role="organizer", password=PASSWORD)
    make_user(username="judge", display_name="王评委", password=PASSWORD)
    make_user(username="red1", display_name="红队队员", password=PASSWORD)
    make_user(username="blue1", display_name="蓝队队员", password=PASSWORD)
    buzzer_question, risk_question = (q.id for q in make_bank("现场赛题库")[:2])
    db.session.commit()

    # The host sets the session up.
    host = page
    log_in(host, site, "host", PASSWORD)
    host.goto(f"{site}/live/stage/new")
    host.get_by_label("标题").fill("知识竞赛决赛")
    host.get_by_label("队伍名称，每行一个").fill("红队\n蓝队")
    host.get_by_label("评委用户名，每行一个（第一位为主评委）").fill("judge")
    host.get_by_label("抢答题：题目编号").fill(str(buzzer_question))
    host.get_by_label("风险题：题目编号").fill(str(risk_question))
    host.get_by_label("抢答开始前抢答（犯规）扣分").fill("5")
    host.get_by_role("button", name="创建现场赛").click()
    expect(host.get_by_role("heading", name=re.compile("主持人控制台"))).to_be_visible()
    pin = host.get_by_test_id("pin").inner_text()
    screen_url = host.get_by_role("link", name="打开大屏幕").get_attribute("href")

    contexts: list[BrowserContext] = []
    try:
        screen = _context(browser, {"width": 1920, "height": 1080}).new_page()
        contexts.append(screen.context)
        screen.goto(f"{site}{screen_url}")
        expect(screen.get_by_test_id("pin")).to_have_text(pin)
        screen.evaluate("window.keptSinceLoad = true")  # the screen redraws, never reloads

        red = _phone(browser, site, "red1", pin, "红队")
        blue = _phone(browser, site, "blue1", pin, "蓝队")
        judge = _context(browser, DESKTOP).new_page()
        contexts += [red.context, blue.context, judge.context]
        log_in(judge, site, "judge", PASSWORD)
        expect(judge).not_to_have_url(re.compile(r"/login"))
        judge.goto(site + host.get_by_role("link", name="评委控制台").get_attribute("href"))
        expect(judge.get_by_text("你是主评委")).to_be_visible()

        # Question 1, buzzer: Blue buzzes before the host opens buzzing (a foul).
        host.get_by_role("button", name="开始比赛").click()
        expect(screen.get_by_test_id("question")).to_contain_text("抢答题", timeout=WAIT)
        expect(blue.get_by_role("button", name="抢答")).to_be_visible(timeout=WAIT)
        blue.screenshot(path=SHOTS / "browser-phone-buzz-button.png")
        blue.get_by_role("button", name="抢答").click()
        expect(blue.get_by_text("抢答过早：抢答尚未开始，本队被扣分。")).to_be_visible()
        expect(blue.get_by_test_id("fouled")).to_be_visible()
        _score(screen, "蓝队", -5)

        # The host opens buzzing; Red buzzes first and answers; the judge marks it right.
        host.get_by_role("button", name="开始抢答").click()
        expect(red.get_by_text("抢答开始：快抢！")).to_be_visible(timeout=WAIT)
        red.get_by_role("button", name="抢答").click()
        expect(red.get_by_test_id("buzz-winner")).to_have_text("本队抢答成功：请作答！")
        expect(screen.get_by_test_id("buzz-winner")).to_have_text("红队 抢答成功！", timeout=WAIT)
        screen.screenshot(path=SHOTS / "browser-screen-buzz-winner.png")
        red.screenshot(path=SHOTS / "browser-phone-buzz-winner.png", full_page=True)
        judge.get_by_role("button", name="正确").click(timeout=WAIT)
        expect(judge.get_by_test_id("mark-status")).to_have_text("判定：正确")
        _score(screen, "红队", 10)

        # Question 2, risk (Red's turn): Red picks 20 on the phone.
        host.get_by_role("button", name="下一题").click()
        red.get_by_role("button", name="20 分").click(timeout=WAIT)
        expect(screen.get_by_test_id("risk-value")).to_have_text("风险分值：20 分", timeout=WAIT)
        expect(blue.get_by_text("本题由其他队伍作答。")).to_be_visible(timeout=WAIT)
        red.get_by_label("2", exact=True).check()
        red.get_by_label("3", exact=True).check()
        red.get_by_role("button", name="提交答案").click()
        expect(red.get_by_test_id("device-answer")).to_have_text("本队已作答：2; 3")
        expect(judge.get_by_test_id("device-answer")).to_contain_text("2; 3", timeout=WAIT)
        judge.screenshot(path=SHOTS / "browser-judge-console.png", full_page=True)
        judge.get_by_role("button", name="错误").click(timeout=WAIT)
        _score(screen, "红队", -10)

        # The host's console follows by itself; the host undoes the mark (it was a slip) and
        # the judge marks it afresh, right.
        expect(host.get_by_test_id("scoring-log")).to_contain_text("-20", timeout=WAIT)
        host.get_by_role("button", name="撤销上一次计分").click()
        expect(host.get_by_test_id("scoring-log")).to_contain_text("已由")
        judge.get_by_role("button", name="正确").click(timeout=WAIT)
        _score(screen, "红队", 30)

        # Freeze the big screen, adjust Blue's score with a reason, then reveal.
        expect(host.get_by_test_id("scores")).to_contain_text("30", timeout=WAIT)
        host.get_by_role("button", name="大屏幕封榜").click()
        expect(screen.get_by_test_id("frozen-banner")).to_be_visible(timeout=WAIT)
        host.get_by_text("手动调整分数").click()
        host.get_by_label("队伍", exact=True).select_option(label="蓝队")
        host.get_by_label("分数变化（负数为扣分）").fill("50")
        host.get_by_label("理由").fill("现场观众投票奖励")
        host.get_by_role("button", name="调整分数").click()
        expect(host.get_by_test_id("scoring-log")).to_contain_text("现场观众投票奖励")
        expect(host.get_by_test_id("scores")).to_contain_text("45")
        _score(screen, "蓝队", -5)  # frozen: the screen still shows the old score
        host.screenshot(path=SHOTS / "browser-host-console.png", full_page=True)
        host.get_by_role("button", name="揭晓比分").click()
        expect(screen.get_by_test_id("frozen-banner")).to_be_hidden(timeout=WAIT)
        _score(screen, "蓝队", 45)
        screen.screenshot(path=SHOTS / "browser-screen-revealed.png")
        assert screen.evaluate("window.keptSinceLoad") is True
    finally:
        for context in contexts:
            context.close()
    assert browser_errors == []

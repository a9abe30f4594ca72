"""A live quiz at a branch meeting, through nginx + Nchan: the organizer creates it and runs it
from the host console, a projector shows the big screen, three members play on their phones
(390x844, zh-Hans). One joins with the PIN from the menu, one by the QR code's link (logging in
on the way), one from the home page. They answer, see right or wrong, the distribution and the
leaderboard; a phone reloaded in the middle of a question keeps its player and its score. The
host ends the quiz (after confirming), the big screen shows the podium, and the results list
everyone. Everything is clicked as a person does, by role and label.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in
from tests.quiz_factories import make_bank, make_quiz

SHOTS = Path(tempfile.gettempdir()) / "shots-livepages"
PASSWORD = "live-pass-1"
WAIT = 8000  # ms: a pushed change shows well within this


BARS_IN_PROPORTION = """() => {
  const width = (text) => {
    const bar = [...document.querySelectorAll("[data-bars] li")]
      .find((item) => item.textContent.includes(text));
    const fill = bar && bar.querySelector(".bar-fill");
    return fill ? fill.getBoundingClientRect().width : 0;
  };
  return width("Lyon") > 0 && width("Paris") > 1.5 * width("Lyon");
}"""


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def _phone(browser: Browser, contexts: list[BrowserContext], errors: list[str]) -> Page:
    context = browser.new_context(locale="zh-CN", viewport=PHONE, has_touch=True, is_mobile=True)
    contexts.append(context)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    return page


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _open_menu_item(page: Page, name: str) -> None:
    page.wait_for_load_state()
    toggle = page.get_by_role("button", name="菜单")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("link", name=name, exact=True).click()


def _answer(phone: Page, text: str) -> None:
    phone.get_by_role("button", name=re.compile(re.escape(text))).click()
    expect(phone.get_by_role("heading", name="答案已收到")).to_be_visible(timeout=WAIT)


def test_a_live_quiz_from_lobby_to_podium(
    page: Page, browser: Browser, push_site: str, make_user, db, contexts, browser_errors
) -> None:
    site = push_site
    make_user(username="host", display_name="组织者", role="organizer", password=PASSWORD)
    for username, name in (("wang", "王小明"), ("li", "李华"), ("zhang", "张伟")):
        make_user(username=username, display_name=name, password=PASSWORD)
    make_quiz(
        make_bank(types=("single_choice", "multiple_choice", "true_false")),
        title="支部知识快答",
        shuffle_options=False,
    )
    db.session.commit()

    # The organizer creates the live quiz from the menu and lands on the host console.
    host = page
    log_in(host, site, "host", PASSWORD)
    host.get_by_text("管理", exact=True).click()
    host.get_by_role("link", name="主持现场答题", exact=True).click()
    host.get_by_role("button", name="新建现场答题").click()
    host.get_by_label("标题").fill("支部党员大会")
    host.get_by_label("测验", exact=True).select_option(label="支部知识快答")
    host.get_by_label("每题秒数").fill("60")
    _shot(host, "create-desktop")
    host.get_by_role("button", name="创建现场答题").click()
    expect(host.get_by_role("heading", name="支部党员大会")).to_be_visible()
    pin = host.get_by_test_id("host-pin").inner_text()
    assert re.fullmatch(r"\d{6}", pin)

    # The projector opens the big screen from the console.
    with host.expect_popup() as popup:
        host.get_by_role("link", name="打开大屏幕").click()
    screen = popup.value
    screen.on("pageerror", lambda error: browser_errors.append(str(error)))
    screen.set_viewport_size(DESKTOP)
    expect(screen.get_by_test_id("screen-pin")).to_have_text(pin)
    expect(screen.locator("[data-live-screen][data-pushed]")).to_have_count(1, timeout=WAIT)
    qr_link = screen.get_by_role("link", name="二维码：扫码加入（已填好 PIN 码）")
    join_link = qr_link.get_attribute("href") or ""
    assert join_link.endswith(f"/live/join?pin={pin}")

    # Three phones join: with the PIN from the menu, by the QR link, from the home page.
    wang, li, zhang = (_phone(browser, contexts, browser_errors) for _ in range(3))
    log_in(wang, site, "wang", PASSWORD)
    _open_menu_item(wang, "现场答题")
    wang.get_by_label("PIN 码").fill(pin)
    _shot(wang, "join-phone")
    wang.get_by_role("button", name="加入").click()
    expect(wang.get_by_role("heading", name="你已加入！")).to_be_visible()
    _shot(wang, "lobby-phone")

    li.goto(join_link.replace(re.match(r"https?://[^/]+", join_link).group(0), site))
    expect(li.get_by_label("PIN 码")).to_have_value(pin)
    li.get_by_role("link", name="登录").click()
    li.get_by_label("用户名").fill("li")
    li.get_by_label("密码").fill(PASSWORD)
    li.get_by_role("button", name="登录").click()
    expect(li.get_by_label("PIN 码")).to_have_value(pin)
    li.get_by_role("button", name="加入").click()
    expect(li.get_by_role("heading", name="你已加入！")).to_be_visible()

    log_in(zhang, site, "zhang", PASSWORD)
    zhang.get_by_role("button", name="加入现场答题").click()
    zhang.get_by_label("PIN 码").fill(pin)
    zhang.get_by_role("button", name="加入").click()
    expect(zhang.get_by_role("heading", name="你已加入！")).to_be_visible()

    for name in ("王小明", "李华", "张伟"):
        expect(screen.locator("[data-players]")).to_contain_text(name, timeout=WAIT)
        expect(host.locator("[data-players]")).to_contain_text(name, timeout=WAIT)
    _shot(screen, "screen-lobby-desktop")
    _shot(host, "host-lobby-desktop")

    # Question 1: the phones see the options; the host sees the right answer marked.
    host.get_by_role("button", name="开始答题").click()
    expect(screen.get_by_text("Capital of France?")).to_be_visible(timeout=WAIT)
    expect(screen.get_by_test_id("screen-countdown")).to_have_text(re.compile(r"^\d+$"))
    expect(host.locator(".live-option.is-correct")).to_contain_text("Paris")
    for phone in (wang, li, zhang):
        expect(phone.get_by_text("Capital of France?")).to_be_visible(timeout=WAIT)
    _shot(zhang, "question-phone")
    _answer(wang, "Paris")
    _answer(li, "Lyon")
    expect(host.get_by_test_id("answered-count")).to_have_text("已答 2 / 3 人", timeout=WAIT)
    _shot(wang, "answered-phone")
    _shot(screen, "screen-question-desktop")
    _shot(host, "host-question-desktop")

    # The last player answers with 50 seconds left: the question closes at once (as in Kahoot),
    # and the reveal shows the distribution and the right answer; right or wrong on each phone.
    zhang.get_by_role("button", name=re.compile("Paris")).click()
    expect(screen.get_by_test_id("correct-answer")).to_contain_text("Paris", timeout=WAIT)
    expect(host.get_by_role("button", name="显示排行榜")).to_be_visible()
    host.wait_for_function(BARS_IN_PROPORTION)  # the console's bars: Paris 2, Lyon 1
    expect(wang.get_by_role("heading", name="答对了！")).to_be_visible(timeout=WAIT)
    expect(li.get_by_role("heading", name="回答错误")).to_be_visible(timeout=WAIT)
    expect(zhang.get_by_text("+100 分")).to_be_visible(timeout=WAIT)
    _shot(screen, "screen-reveal-desktop")
    _shot(wang, "right-phone")
    _shot(li, "wrong-phone")

    host.get_by_role("button", name="显示排行榜").click()
    board = screen.get_by_test_id("screen-board")
    expect(board).to_contain_text("王小明", timeout=WAIT)
    expect(board).to_contain_text("李华")
    _shot(screen, "screen-leaderboard-desktop")

    # Question 2 (multiple choice): Zhang's phone reloads before answering and keeps the player.
    host.get_by_role("button", name="下一题").click()
    expect(zhang.get_by_text("Prime numbers?")).to_be_visible(timeout=WAIT)
    host.get_by_role("button", name="暂停").click()
    expect(zhang.get_by_role("heading", name="已暂停")).to_be_visible(timeout=WAIT)
    host.get_by_role("button", name="继续计时").click()
    expect(zhang.get_by_text("Prime numbers?")).to_be_visible(timeout=WAIT)
    zhang.reload()
    expect(zhang.get_by_text("Prime numbers?")).to_be_visible()
    expect(zhang.get_by_test_id("play-me")).to_have_text("张伟")
    zhang.get_by_role("button", name="2", exact=True).click()
    zhang.get_by_role("button", name="3", exact=True).click()
    zhang.get_by_role("button", name="提交答案").click()
    expect(zhang.get_by_role("heading", name="答案已收到")).to_be_visible()
    zhang.reload()  # after answering: still answered, not asked again
    expect(zhang.get_by_role("heading", name="答案已收到")).to_be_visible()
    host.get_by_role("button", name="公布答案").click()
    expect(zhang.get_by_role("heading", name="答对了！")).to_be_visible(timeout=WAIT)
    result = zhang.locator('[data-view="result"]')
    expect(result.locator("[data-score]")).to_have_text("200")  # 100 + 100: the score was kept
    expect(result.locator("[data-rank]")).to_have_text("1")
    expect(wang.get_by_role("heading", name="本题未作答")).to_be_visible(timeout=WAIT)

    # The host ends the quiz after confirming; the big screen shows the podium.
    host.get_by_role("button", name="结束答题").click()
    host.get_by_role("dialog").get_by_role("button", name="结束答题").click()
    podium = screen.get_by_test_id("podium")
    expect(podium).to_contain_text("张伟", timeout=WAIT)
    expect(zhang.get_by_role("heading", name="答题结束")).to_be_visible(timeout=WAIT)
    _shot(screen, "screen-podium-desktop")
    _shot(zhang, "finished-phone")

    host.get_by_role("button", name="查看结果").click()
    players = host.get_by_test_id("results-players")
    for name in ("张伟", "王小明", "李华"):
        expect(players).to_contain_text(name)
    _shot(host, "results-desktop")
    assert browser_errors == []

"""The live board and the big screen on the push tier: nginx + Nchan in front of the app.

A member watches the live board and a projector shows the big screen, both subscribed through
nginx; another member hands in a round and both pages show the new score without a reload. Then
the organizer revokes the display link, and the big screen goes down at once (its channel hears
so). With 20 pages subscribed through nginx to a server of two threads, ``/healthz`` still
answers at once: nginx holds the watchers, not the app.
"""

from __future__ import annotations

import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect

from lms.core.clock import utcnow
from tests.browser.conftest import PHONE
from tests.browser.test_big_screen import _hand_in, running_competition
from tests.browser.test_live_threads import (  # noqa: F401 (two_thread_site is a fixture)
    AT_ONCE_SECONDS,
    MEMBERS,
    _seconds_to_answer,
    two_thread_site,
)
from tests.browser.test_member_journey import log_in
from tests.push_tier import nginx_in_front

PASSWORD = "member-pass-1"
SHOTS = Path(tempfile.gettempdir()) / "shots-push"


def test_board_and_big_screen_update_through_nginx(
    page: Page, browser: Browser, push_site: str, make_user, db, browser_errors
) -> None:
    make_user(username="host", role="organizer", password="host-pass-1")
    members = [
        make_user(username=name, display_name=label, password=PASSWORD)
        for name, label in (("lily", "李丽"), ("wang", "王强"))
    ]
    competition, token = running_competition(members, "知识竞赛决赛", "决赛第一轮")
    quiz = competition.rounds[0].quiz
    db.session.commit()

    page.goto(f"{push_site}/display/{token}")
    expect(page.locator("[data-live-board][data-pushed]")).to_have_count(1)
    page.evaluate("window.keptSinceLoad = true")
    screen_board = page.get_by_test_id("people-board")

    contexts = [browser.new_context(locale="zh-CN") for _member in members]
    try:
        watcher, player = (context.new_page() for context in contexts)
        watcher.on("pageerror", lambda error: browser_errors.append(str(error)))
        log_in(watcher, push_site, "wang", PASSWORD)
        watcher.goto(f"{push_site}/competitions/{competition.id}/live")
        expect(watcher.locator("[data-live-board][data-pushed]")).to_have_count(1)
        watcher.evaluate("window.keptSinceLoad = true")

        _hand_in(player, push_site, "lily", quiz.id)
        expect(screen_board).to_contain_text("李丽", timeout=5000)
        expect(watcher.get_by_test_id("people-board")).to_contain_text("李丽", timeout=5000)
        assert watcher.evaluate("window.keptSinceLoad") is True
        # The pages were pushed to, not polling every 2 s.
        expect(watcher.locator("[data-live-board][data-pushed]")).to_have_count(1)
        assert browser_errors == []
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=SHOTS / "push-big-screen.png")
        watcher.set_viewport_size(PHONE)
        watcher.screenshot(path=SHOTS / "push-member-phone.png", full_page=True)

        host = contexts[1].new_page()  # any context: log the host in apart
        host.context.clear_cookies()
        log_in(host, push_site, "host", "host-pass-1")
        expect(host).not_to_have_url(re.compile(r"/login"))
        host.goto(f"{push_site}/manage/competitions/{competition.id}")
        started = time.monotonic()
        host.get_by_role("button", name="撤销").click()
        expect(page.get_by_role("heading", name="页面不存在")).to_be_visible(timeout=10_000)
        # Pushed, not the 60 s slow poll (10 s leaves room for a machine running both passes).
        assert time.monotonic() - started < 10
    finally:
        for context in contexts:
            context.close()


def test_a_board_waiting_for_its_start_turns_running_when_the_clock_says_so(
    page: Page, push_site: str, make_user, db, browser_errors
) -> None:
    """Nothing is pushed when a competition starts by the clock: the page on the push tier reads
    the board once at the start time (within 10 s, spread over the watchers), not at its next
    60 s poll, and without a reload."""
    member = make_user(username="wang", display_name="王强", password=PASSWORD)
    competition, _token = running_competition([member], "知识竞赛初赛", "初赛第一轮")
    competition.starts_at = utcnow() + timedelta(seconds=3)
    db.session.commit()

    log_in(page, push_site, "wang", PASSWORD)
    page.goto(f"{push_site}/competitions/{competition.id}/live")
    expect(page.locator("[data-live-board][data-pushed]")).to_have_count(1)
    expect(page.get_by_test_id("stage")).to_have_text("报名中")
    page.evaluate("window.keptSinceLoad = true")
    expect(page.get_by_test_id("stage")).to_have_text("进行中", timeout=20_000)
    assert page.evaluate("window.keptSinceLoad") is True
    assert browser_errors == []


def test_twenty_pages_subscribed_through_nginx_hold_no_app_thread(
    app: Flask,
    browser: Browser,
    two_thread_site: str,  # noqa: F811 (the imported fixture)
    make_user,
    db,
    tmp_path: Path,
) -> None:
    members = [
        make_user(username=f"watcher{n}", display_name=f"观众{n}", password=PASSWORD)
        for n in range(MEMBERS)
    ]
    competition, token = running_competition(members, "知识竞赛", "第一轮")
    db.session.commit()
    saved = app.config.get("PUSH_PUBLISH_URL")
    contexts = [browser.new_context(locale="zh-CN") for _page in range(2 * MEMBERS)]
    try:
        address = two_thread_site.removeprefix("http://")
        with nginx_in_front(address, tmp_path / "nginx") as tier:
            app.config["PUSH_PUBLISH_URL"] = tier.publish_url
            site = tier.base_url
            pages = []
            for context, member in zip(contexts, members, strict=False):
                member_page = context.new_page()
                log_in(member_page, site, member.username, PASSWORD)
                member_page.goto(f"{site}/competitions/{competition.id}/live")
                pages.append(member_page)
            for context in contexts[MEMBERS:]:
                screen = context.new_page()
                screen.goto(f"{site}/display/{token}")
                pages.append(screen)
            for each in pages:  # every page holds its stream open through nginx
                expect(each.locator("[data-live-board][data-pushed]")).to_have_count(1)
            waits = [_seconds_to_answer(site, "/healthz") for _probe in range(6)]
            assert max(waits) < AT_ONCE_SECONDS, waits
            assert _seconds_to_answer(two_thread_site, "/healthz") < AT_ONCE_SECONDS
    finally:
        for context in contexts:
            context.close()
        app.config["PUSH_PUBLISH_URL"] = saved

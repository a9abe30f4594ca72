"""The big screen at an on-site event: two members hand in their round in their own browsers and
the projector's page shows both, without a reload; a member follows the board on a phone."""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from competitions.models import Competition
from competitions.services import authoring, registration
from competitions.services.authoring import CompetitionSettings
from lms.accounts.models import User
from lms.core.clock import utcnow
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in
from tests.factories import OrgUnitFactory
from tests.quiz_factories import make_bank, make_quiz

SHOTS = Path(tempfile.gettempdir())  # live-big-screen.png, live-member-phone.png
BIG_SCREEN = {"width": 1920, "height": 1080}
PASSWORD = "member-pass-1"


def _hand_in(page: Page, site: str, username: str, quiz_id: int) -> None:
    """Log in, take the round through the quiz pages (one true/false question) and submit."""
    log_in(page, site, username, PASSWORD)
    page.goto(f"{site}/quizzes/{quiz_id}")
    page.get_by_role("button", name="开始作答").click()
    page.get_by_label("正确", exact=True).check()
    expect(page.get_by_test_id("save-status")).to_have_class(re.compile("is-saved"))
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷…").click()
    expect(page).to_have_url(re.compile(r"/competitions/\d+$"))  # back in the competition


def running_competition(
    members: list[User], title: str, quiz_title: str
) -> tuple[Competition, str]:
    """A published competition running for an hour, one true/false round, the members
    registered, and its big-screen link."""
    now = utcnow()
    quiz = make_quiz(make_bank(types=("true_false",)), title=quiz_title, time_limit_seconds=600)
    competition = authoring.create_competition(
        CompetitionSettings(
            title=title,
            rules_md="",
            registration_opens_at=now - timedelta(hours=1),
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=1),
            min_participants=1,
            units=[],
        ),
        [quiz],
        created_by=None,
    )
    authoring.set_published(competition, True)
    token = authoring.new_display_token(competition)
    for member in members:
        registration.register(member, competition)
    return competition, token


def test_the_big_screen_updates_as_members_hand_in(
    page: Page, browser: Browser, site: str, make_user, db, browser_errors
) -> None:
    branch = OrgUnitFactory(name="第一支部", parent=OrgUnitFactory(name="示范学院"))
    make_user(username="host", role="organizer", password="host-pass-1")
    members = [
        make_user(username=name, display_name=label, password=PASSWORD, unit=branch)
        for name, label in (("lily", "李丽"), ("wang", "王强"))
    ]
    competition, token = running_competition(members, "知识竞赛决赛", "决赛第一轮")
    quiz = competition.rounds[0].quiz
    db.session.commit()

    # The projector opens the display link: nobody is logged in there.
    page.set_viewport_size(BIG_SCREEN)
    page.goto(f"{site}/display/{token}")
    expect(page.get_by_test_id("display-title")).to_have_text("知识竞赛决赛")
    expect(page.get_by_test_id("countdown")).to_have_text(
        re.compile(r"^\d+:\d\d:\d\d$|^\d\d:\d\d$")
    )
    board = page.get_by_test_id("people-board")
    expect(board).not_to_contain_text("李丽")
    page.evaluate("window.keptSinceLoad = true")  # a reload would lose it

    # Two members hand in from their own browsers.
    contexts = [browser.new_context(locale="zh-CN") for _member in members]
    try:
        phones = [context.new_page() for context in contexts]
        _hand_in(phones[0], site, "lily", quiz.id)
        expect(board).to_contain_text("李丽", timeout=5000)
        _hand_in(phones[1], site, "wang", quiz.id)
        expect(board).to_contain_text("王强", timeout=5000)
        expect(page.get_by_test_id("units-board")).to_contain_text("第一支部")
        page.screenshot(path=SHOTS / "live-big-screen.png")

        # A member follows the board on a phone: their rank, the top and the units.
        phone = phones[1]
        phone.set_viewport_size(PHONE)
        phone.goto(f"{site}/competitions/{competition.id}/live")
        expect(phone.get_by_test_id("my-rank")).to_contain_text("王强")
        expect(phone.get_by_test_id("people-board")).to_contain_text("李丽")
        phone.screenshot(path=SHOTS / "live-member-phone.png", full_page=True)
    finally:
        for context in contexts:
            context.close()
    assert page.evaluate("window.keptSinceLoad") is True
    assert browser_errors == []


def test_a_revoked_link_takes_the_open_big_screen_down(
    page: Page, browser: Browser, site: str, make_user, db
) -> None:
    make_user(username="host", role="organizer", password="host-pass-1")
    competition, token = running_competition([], "知识竞赛决赛", "决赛第一轮")
    db.session.commit()
    page.goto(f"{site}/display/{token}")
    expect(page.get_by_test_id("display-title")).to_have_text("知识竞赛决赛")

    # The organizer revokes the link from the competition's manage page.
    context = browser.new_context(locale="zh-CN")
    try:
        host = context.new_page()
        log_in(host, site, "host", "host-pass-1")
        expect(host).not_to_have_url(re.compile(r"/login"))
        host.goto(f"{site}/manage/competitions/{competition.id}")
        host.get_by_role("button", name="撤销").click()
        expect(host.get_by_role("button", name="撤销")).to_have_count(0)
    finally:
        context.close()

    # The projector's next poll finds the link gone, and the page says so.
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible(timeout=5000)
    expect(page.get_by_test_id("display-title")).to_have_count(0)

"""A member taps an answer while the attempt page is still loading its script (a slow phone
network): the answer is saved all the same, as soon as the script runs, and counts as answered."""

from __future__ import annotations

import re

from playwright.sync_api import Page, Route, expect

from quizzes.services.attempts import load_attempt
from tests.browser.answering import question
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in
from tests.quiz_factories import make_bank, make_quiz


def test_an_answer_tapped_before_the_page_script_runs_is_saved(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    page.set_viewport_size(PHONE)
    make_user(username="xiaosun", password="member-pass-1")
    make_quiz(make_bank(types=("single_choice", "true_false")), title="慢网小测")
    db.session.commit()
    log_in(page, site, "xiaosun", "member-pass-1")
    page.goto(f"{site}/quizzes")
    page.get_by_role("link", name="慢网小测").click()

    held: list[Route] = []

    def hold(route: Route) -> None:  # the script is on its way (Playwright tags the handler)
        held.append(route)

    page.route(re.compile(r"/static/js/quiz\.js"), hold)
    page.get_by_role("button", name="开始作答").click()
    sky = question(page, text="The sky is blue.")
    sky.get_by_label("正确", exact=True).check()  # no script yet: no change handler saw it
    assert len(held) == 1
    held[0].continue_()

    expect(page.get_by_test_id("answered-count")).to_have_text("1")
    expect(page.get_by_test_id("save-status")).to_have_class(re.compile("is-saved"))
    page.unroute(re.compile(r"/static/js/quiz\.js"))
    page.reload()
    expect(sky.get_by_label("正确", exact=True)).to_be_checked()
    attempt = load_attempt(int(page.url.rstrip("/").split("/")[-1]))
    assert attempt is not None
    assert [item.response for item in attempt.items if item.response is not None] == [True]
    assert browser_errors == []

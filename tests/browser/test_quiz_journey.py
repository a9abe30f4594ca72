"""A member takes a short timed quiz: answers save as they are given, a reload keeps the answers
and the time left, and at zero the page hands in by itself and shows the review."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from quizzes.services.attempts import load_attempt
from tests.browser.answering import question
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in
from tests.factories import OrgUnitFactory
from tests.quiz_factories import make_bank, make_quiz

SHOTS = Path(tempfile.gettempdir())  # screenshots to look at: quiz-{start,attempt,review}-*.png
LIMIT = 20


def _seconds(page: Page) -> int:
    minutes, seconds = page.locator("[data-timer-text]").inner_text().split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def _quiz(db, **settings):
    bank = make_bank(types=("single_choice", "true_false", "fill_blank"))
    quiz = make_quiz(bank, title="十秒小测", **settings)
    db.session.commit()
    return quiz


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_timed_quiz_keeps_answers_and_time_and_submits_itself(
    page: Page, site: str, make_user, db, browser_errors, viewport
) -> None:
    name = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    make_user(username="xiaowang", password="member-pass-1", unit=OrgUnitFactory(name="一支部"))
    quiz = _quiz(
        db,
        time_limit_seconds=LIMIT,
        grace_seconds=0,
        review_answers="after_attempt",
        review_explanations="after_attempt",
    )
    log_in(page, site, "xiaowang", "member-pass-1")
    page.goto(f"{site}/quizzes")
    page.get_by_role("link", name="十秒小测").click()
    expect(page.get_by_test_id("rules")).to_be_visible()
    page.screenshot(path=SHOTS / f"quiz-start-{name}.png", full_page=True)
    page.get_by_role("button", name="开始作答").click()

    expect(page.get_by_test_id("timer")).to_be_visible()
    nav = page.get_by_test_id("question-nav")
    if viewport == PHONE:
        expect(nav).not_to_have_attribute("open", "")  # folded, the question comes first
    page.get_by_label("Paris").check()
    question(page, text="The sky is blue.").get_by_label("正确", exact=True).check()
    blank = page.get_by_label("第 1 空")  # moved into the stem, where the question puts it
    blank.fill("100")
    blank.blur()
    expect(page.get_by_test_id("answered-count")).to_have_text("3")
    expect(page.get_by_test_id("save-status")).to_have_class(re.compile("is-saved"))
    page.evaluate("window.scrollTo(0, 0)")  # the sticky timer bar sits at the top again
    page.screenshot(path=SHOTS / f"quiz-attempt-{name}.png", full_page=True)

    before = _seconds(page)
    page.reload()
    after = _seconds(page)
    assert before - 2 <= after <= before
    expect(page.locator("label.option", has_text="Paris").locator("input")).to_be_checked()
    expect(page.locator('[data-type="true_false"] input[value="true"]')).to_be_checked()
    expect(page.locator('[data-type="fill_blank"] .stem .blank input')).to_have_value("100")
    expect(page.get_by_test_id("answered-count")).to_have_text("3")

    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"), timeout=(LIMIT + 10) * 1000)
    expect(page.get_by_test_id("timed-out")).to_be_visible()
    expect(page.get_by_test_id("score")).to_contain_text("6 / 6")
    expect(page.get_by_test_id("correct-answer")).to_have_count(3)
    expect(page.get_by_test_id("explanation").first).to_contain_text("987")
    page.screenshot(path=SHOTS / f"quiz-review-{name}.png", full_page=True)

    attempt_id = int(page.url.rstrip("/").split("/")[-2])
    db.session.expire_all()
    attempt = load_attempt(attempt_id)
    assert attempt is not None and attempt.quiz_id == quiz.id
    assert attempt.finished_by == "timeout" and attempt.score == 6.0
    assert [e for e in browser_errors if "Failed to load resource" not in e] == []


def test_submitting_asks_first_and_names_the_unanswered_questions(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    make_user(username="xiaozhao", password="member-pass-1")
    _quiz(db, review_marks="never")
    log_in(page, site, "xiaozhao", "member-pass-1")
    page.goto(f"{site}/quizzes")
    page.get_by_role("link", name="十秒小测").click()
    page.get_by_role("button", name="开始作答").click()
    sky = question(page, text="The sky is blue.")
    sky.get_by_label("错误", exact=True).check()
    sky.get_by_role("button", name="标记").click()
    expect(page.locator('[data-nav-slot="2"]')).to_have_class(re.compile("flagged"))
    expect(page.get_by_test_id("answered-count")).to_have_text("1")

    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss() if len(dialogs) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("button", name="交卷…").click()
    assert re.search(r"1, 3$", dialogs[0])
    expect(page.get_by_test_id("attempt-form")).to_be_visible()  # dismissed: still answering
    page.get_by_role("button", name="交卷…").click()
    expect(page).to_have_url(re.compile(r"/review$"))
    expect(page.get_by_test_id("marks-hidden")).to_be_visible()
    expect(page.get_by_test_id("score")).to_have_count(0)
    page.reload()
    flagged = load_attempt(int(page.url.split("/")[-2]))
    assert flagged is not None and [i.is_flagged for i in flagged.items] == [False, True, False]
    assert browser_errors == []

"""A member's quiz pages on a phone (390 px), in Chinese and English: the attempts table fits
without sideways scrolling, and every question says its type."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from lms.core.extensions import db as _db
from quizzes.services import attempts
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in
from tests.factories import OrgUnitFactory
from tests.quiz_factories import make_bank, make_quiz

SHOTS = Path(tempfile.gettempdir()) / "shots-quizzes"

WORDS = {
    "zh_Hans": {
        "attempts": "我的作答记录",
        "types": ["单选题", "多选题", "判断题"],
        "all": "可多选",
        "again": "再次作答",
    },
    "en": {
        "attempts": "Your attempts",
        "types": ["Single choice", "Multiple choice", "True / false"],
        "all": "Select all that apply",
        "again": "Start a new attempt",
    },
}


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_attempts_table_fits_a_phone_and_questions_say_their_type(
    page: Page, site: str, make_user, db, browser_errors, language
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    member = make_user(
        username="xiaowu",
        password="member-pass-1",
        language=language,
        unit=OrgUnitFactory(name="第一党支部（机关）"),
    )
    bank = make_bank(types=("single_choice", "multiple_choice", "true_false"))
    title = "党章党规知识月度测验（第三期）"
    quiz = make_quiz(bank, title=title, max_attempts=None, review_marks="after_attempt")
    for _number in range(3):
        attempts.submit(attempts.start(member, quiz))
    _db.session.commit()

    log_in(page, site, "xiaowu", "member-pass-1")
    page.goto(f"{site}/quizzes")
    page.get_by_role("link", name=title).click()
    words = WORDS[language]
    expect(page.get_by_role("heading", name=words["attempts"])).to_be_visible()
    table = page.get_by_test_id("past-attempts")
    expect(table.get_by_role("link")).to_have_count(3)
    page.screenshot(path=SHOTS / f"quiz-attempts-phone-{language}.png", full_page=True)
    widths = page.evaluate(
        """() => {
          const wrap = document.querySelector('[data-testid=past-attempts]').parentElement;
          return [document.documentElement.scrollWidth, wrap.scrollWidth, wrap.clientWidth];
        }"""
    )
    assert widths[0] <= PHONE["width"], widths
    assert widths[1] <= widths[2], widths  # no sideways scrolling inside the table either

    page.get_by_role("button", name=words["again"]).click()
    expect(page.get_by_test_id("question-type")).to_have_text(words["types"])
    expect(page.get_by_test_id("select-all")).to_have_text(words["all"])
    page.screenshot(path=SHOTS / f"quiz-attempt-types-phone-{language}.png", full_page=True)
    assert browser_errors == []

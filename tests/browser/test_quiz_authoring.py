"""An organizer builds a quiz from the bank (a fixed question and a random rule), publishes it
and adds it to a course; a member then finds the quiz in the course outline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out, open_menu
from tests.courses_factories import make_course
from tests.quiz_factories import make_bank


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_organizer_builds_a_quiz_and_a_member_finds_it_in_the_course(
    page: Page, site: str, make_user, db, browser_errors, viewport, tmp_path
) -> None:
    page.set_viewport_size(viewport)
    make_bank("法规/基础", types=("true_false", "single_choice", "numerical"))
    organizer = make_user(username="zhang", role="organizer", password="organizer-pass-1")
    course = make_course(title="法规微课", modules=((5,),))
    course.editors.append(organizer)
    make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    db.session.commit()
    shots = tmp_path / f"quiz-authoring-{viewport['width']}"

    log_in(page, site, "zhang", "organizer-pass-1")
    open_menu(page)
    page.locator('#main-menu a[href="/manage/quizzes"]').click()
    page.get_by_test_id("new-quiz").click()
    page.locator("#title").fill("法规小测")
    page.locator("#description_md").fill("共**两题**")
    page.locator("#time_limit_minutes").fill("10")
    page.screenshot(path=f"{shots}-form.png", full_page=True)
    page.get_by_test_id("save-quiz").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("no-slots")).to_be_visible()

    # A fixed question found by its text, then a random one from the category.
    page.get_by_test_id("bank-search").fill("Capital")
    page.get_by_test_id("bank-search-submit").click()
    expect(page.get_by_test_id("search-result")).to_have_count(1)
    page.screenshot(path=f"{shots}-search.png", full_page=True)
    page.get_by_test_id("add-found").click()
    expect(page.get_by_test_id("slot")).to_have_count(1)
    page.locator("#category_id").select_option(label="法规")
    page.locator("#count").fill("9")
    page.get_by_test_id("add-rule").click()
    expect(page.locator("#count-errors")).to_contain_text("9")  # only 3 questions match
    page.locator("#count").fill("1")
    page.get_by_test_id("add-rule").click()
    expect(page.get_by_test_id("slot")).to_have_count(2)
    expect(page.get_by_test_id("slot-rule")).to_contain_text("法规")
    page.get_by_test_id("slot-question").click()
    expect(page.get_by_test_id("slot-stem")).to_contain_text("Capital of France?")

    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("unpublish")).to_be_visible()
    page.locator("#module_id").select_option(label="法规微课 · Module 1")
    page.get_by_test_id("attach").click()
    expect(page.get_by_test_id("course-link")).to_have_text("法规微课")
    page.screenshot(path=f"{shots}-quiz.png", full_page=True)
    page.goto(f"{site}/manage/quizzes")
    expect(page.get_by_test_id("quiz-row")).to_contain_text("法规小测")
    page.screenshot(path=f"{shots}-list.png", full_page=True)
    log_out(page)

    log_in(page, site, "xiaoli", "member-pass-1")
    page.goto(f"{site}/courses/{course.id}")
    page.get_by_role("link", name="法规小测").click()
    expect(page.locator("h1")).to_have_text("法规小测")
    assert browser_errors == []

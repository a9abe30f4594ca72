"""An organizer builds a quiz from the bank (a fixed question and a random rule), publishes it
and adds it to a course; a member then finds the quiz in the course outline."""

from __future__ import annotations

import re

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
    page.get_by_role("link", name="测验管理").click()
    page.get_by_role("button", name="新建测验").click()
    page.get_by_label("标题").fill("法规小测")
    page.get_by_label("测验说明（Markdown）").fill("共**两题**")
    page.get_by_label("限时（分钟；留空表示不限时）").fill("10")
    page.screenshot(path=f"{shots}-form.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.get_by_test_id("no-slots")).to_be_visible()

    # A fixed question found by its text, then a random one from the category.
    page.get_by_label("搜索题干").fill("Capital")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_test_id("search-result")).to_have_count(1)
    page.screenshot(path=f"{shots}-search.png", full_page=True)
    found = page.get_by_role("listitem").filter(has_text="Capital of France?")
    found.get_by_role("button", name="添加", exact=True).click()
    expect(page.get_by_test_id("slot")).to_have_count(1)
    page.get_by_label("分类", exact=True).select_option(label="法规")
    page.get_by_label("抽题数量").fill("9")
    page.get_by_role("button", name="添加随机抽题").click()
    expect(page.locator("#count-errors")).to_contain_text("9")  # only 3 questions match
    page.get_by_label("抽题数量").fill("1")
    page.get_by_role("button", name="添加随机抽题").click()
    expect(page.get_by_test_id("slot")).to_have_count(2)
    expect(page.get_by_test_id("slot-rule")).to_contain_text("法规")
    page.get_by_text(re.compile(r"^1\. #\d+ Capital of France\?")).click()  # unfold the slot
    expect(page.get_by_test_id("slot-stem")).to_contain_text("Capital of France?")

    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_test_id("unpublish")).to_be_visible()
    page.get_by_label("课程模块").select_option(label="法规微课 · Module 1")
    page.get_by_role("button", name="加入课程").click()
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

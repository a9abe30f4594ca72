"""A keyboard user skips the menu to the content and reaches and scrolls a wide table."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from courses.services import authoring, enrolment
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in

PASSWORD = "member-pass-1"
WIDE_TABLE = (
    "| 单位 | 一月 | 二月 | 三月 | 四月 | 五月 | 六月 | 七月 | 八月 |\n"
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
    "| 第一支部第一小组 | 12 分 | 15 分 | 18 分 | 20 分 | 22 分 | 25 分 | 27 分 | 30 分 |\n"
)


def _member_with_a_lesson(make_user, db) -> int:
    member = make_user(username="xiaoli", password=PASSWORD)
    course = authoring.create_course(title="学习课程")
    module = authoring.add_module(course, title="第一单元")
    lesson = authoring.add_item(
        module, kind="lesson", title="月度积分", body_md=f"各月积分如下。\n\n{WIDE_TABLE}"
    )
    authoring.set_published(course, True)
    enrolment.enrol(member, course)
    db.session.commit()
    return lesson.id


def test_the_first_tab_offers_a_skip_link_to_the_content(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    lesson_id = _member_with_a_lesson(make_user, db)
    log_in(page, site, "xiaoli", PASSWORD)
    page.goto(f"{site}/lessons/{lesson_id}")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"#main$"))
    page.keyboard.press("Tab")  # the next stop is inside the content, not the menu
    assert page.evaluate("document.activeElement.closest('main') !== null")
    assert browser_errors == []


def test_a_wide_table_scrolls_in_its_own_box_and_the_keyboard_reaches_it(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    page.set_viewport_size(PHONE)
    lesson_id = _member_with_a_lesson(make_user, db)
    log_in(page, site, "xiaoli", PASSWORD)
    page.goto(f"{site}/lessons/{lesson_id}")

    region = page.get_by_role("region", name=re.compile("月度积分.*可左右滚动"))
    expect(region).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for _ in range(40):  # Tab through the page until the table's box has the focus
        page.keyboard.press("Tab")
        if region.evaluate("box => box === document.activeElement"):
            break
    expect(region).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("box => box.scrollLeft > 0", arg=region.element_handle())
    assert browser_errors == []

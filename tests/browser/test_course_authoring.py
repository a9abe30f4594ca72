"""An admin and a course editor build a course through the pages, then change every part of
it: the course, a module, a lesson and an offline activity. They publish it and a member sees
the edited course. Only what the pages show is used, found by its label or role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from lms.core.clock import utcnow
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out, open_menu


def _save(page: Page, flash: str) -> None:
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text(flash)


def _to_authoring(page: Page) -> None:
    open_menu(page)
    page.get_by_role("link", name="课程编写").click()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_and_editor_create_and_edit_a_course_through_the_pages(
    page: Page, site: str, make_user, db, browser_errors, viewport
):
    page.set_viewport_size(viewport)
    make_user(username="root", role="admin", password="admin-pass-1")
    make_user(username="editor", display_name="王编辑", role="organizer", password="edit-pass-1")
    make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    starts = (utcnow() + timedelta(days=3)).strftime("%Y-%m-%d")

    # The admin creates the course, names its editor and adds its first module.
    log_in(page, site, "root", "admin-pass-1")
    _to_authoring(page)
    page.get_by_role("button", name="新建课程").click()
    page.get_by_label("标题").fill("党史学习")
    page.get_by_label("简介（Markdown）").fill("四个**专题**")
    page.get_by_label("编辑者（可编辑本课程的组织者）").select_option(label="王编辑 (editor)")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("heading", name="党史学习", exact=True)).to_be_visible()
    page.get_by_label("模块标题").fill("第一单元")
    page.get_by_role("button", name="添加模块").click()
    expect(page.locator(".flash-success")).to_contain_text("模块")
    log_out(page)

    # The editor adds a lesson and an activity, then edits the course, module, lesson, activity.
    log_in(page, site, "editor", "edit-pass-1")
    _to_authoring(page)
    page.get_by_role("link", name="编辑 党史学习").click()
    page.get_by_role("link", name="添加课时").click()
    page.get_by_label("标题").fill("开天辟地")
    page.get_by_label("预计学习分钟数").fill("3")
    page.get_by_label("课时正文（Markdown）").fill("## 一大\n\n1921 年。")
    page.get_by_label("最短阅读时间（秒；留空则使用系统默认值）").fill("0")
    _save(page, "课时")
    page.get_by_role("link", name="添加线下活动").click()
    page.get_by_label("标题").fill("参观纪念馆")
    page.get_by_label("类型").select_option(label="参观学习")
    page.get_by_label("开始时间").fill(f"{starts}T09:00")
    page.get_by_label("结束时间").fill(f"{starts}T11:00")
    page.get_by_label("地点").fill("纪念馆东门")
    page.get_by_label("名额（留空表示不限）").fill("30")
    _save(page, "活动")  # the activity's roster comes next
    page.get_by_role("link", name="← 党史学习").click()

    page.get_by_label("标题").first.fill("党史学习（2026）")
    page.get_by_label("简介（Markdown）").fill("五个**专题**")
    _save(page, "课程")
    page.get_by_role("link", name="编辑 第一单元").click()
    page.get_by_label("模块标题").fill("第一单元：开端")
    _save(page, "模块")
    page.get_by_role("link", name="编辑 开天辟地").click()
    page.get_by_label("标题").fill("开天辟地（修订）")
    page.get_by_label("课时正文（Markdown）").fill("## 一大\n\n1921 年 7 月。")
    _save(page, "课时")
    page.get_by_role("link", name="编辑 参观纪念馆").click()
    page.get_by_label("地点").fill("纪念馆西门")
    page.get_by_label("名额（留空表示不限）").fill("40")
    _save(page, "活动")
    page.get_by_role("link", name="← 党史学习（2026）").click()
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("button", name="取消发布")).to_be_visible()
    log_out(page)

    # A member finds the edited course, enrols, reads the lesson and goes on to the activity.
    log_in(page, site, "xiaoli", "member-pass-1")
    open_menu(page)
    page.get_by_role("link", name="课程", exact=True).click()
    page.get_by_role("link", name="党史学习（2026）").click()
    expect(page.get_by_text("五个专题")).to_be_visible()
    expect(page.get_by_text("第一单元：开端")).to_be_visible()
    page.get_by_role("button", name="报名学习").click()
    page.get_by_role("link", name="开天辟地（修订）").click()
    expect(page.get_by_role("heading", name="一大")).to_be_visible()
    expect(page.get_by_text("1921 年 7 月。")).to_be_visible()
    page.get_by_role("link", name="下一节 参观纪念馆 →").click()
    expect(page.get_by_role("heading", name="参观纪念馆")).to_be_visible()
    expect(page.get_by_text("纪念馆西门")).to_be_visible()
    page.get_by_role("link", name="上一节 ← 开天辟地（修订）").click()
    expect(page.get_by_role("link", name="下一节 参观纪念馆 →")).to_be_visible()
    expect(page.get_by_role("link", name="上一节", exact=False)).to_have_count(0)  # the first
    assert browser_errors == []

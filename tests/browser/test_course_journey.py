"""An admin writes and publishes a course; a member enrols, reads and completes it.

One lesson carries a script tag and a javascript: link: neither may run or survive.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from courses.services import activities
from lms.core.clock import utcnow
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in, log_out, open_menu
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory

HOSTILE = "安全提示 <script>alert(1)</script> 请勿点击 [x](javascript:alert(1))"


def add_lesson(page: Page, title: str, body: str, shown: str) -> None:
    page.get_by_role("link", name="添加课时").last.click()
    page.get_by_label("标题").fill(title)
    page.get_by_label("预计学习分钟数").fill("3")
    page.get_by_label("课时正文（Markdown）").fill(body)
    expect(page.get_by_test_id("preview")).to_contain_text(shown)  # the live preview
    page.get_by_label("最短阅读时间（秒；留空则使用系统默认值）").fill("0")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_course_from_authoring_to_completion(page: Page, site: str, make_user, db, viewport):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_viewport_size(viewport)
    unit = OrgUnitFactory(name="示范学院")
    make_user(username="root", role="admin", password="admin-pass-1", unit=unit)
    make_user(username="xiaoli", display_name="小李", password="member-pass-1", unit=unit)
    db.session.commit()

    log_in(page, site, "root", "admin-pass-1")
    page.goto(f"{site}/manage/courses/")
    page.get_by_role("button", name="新建课程").click()
    page.get_by_label("标题").fill("安全微课")
    page.get_by_label("简介（Markdown）").fill("两节**微课**")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_label("模块标题").fill("第一单元")
    page.get_by_role("button", name="添加模块").click()
    add_lesson(page, "第一课", HOSTILE, "安全提示")
    add_lesson(page, "第二课", "## 小结\n\n学完了。", "小结")
    expect(page.get_by_test_id("outline-item")).to_have_count(2)
    page.get_by_role("button", name="发布", exact=True).click()
    expect(page.get_by_role("button", name="取消发布")).to_be_visible()
    log_out(page)

    log_in(page, site, "xiaoli", "member-pass-1")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    open_menu(page)
    page.get_by_role("link", name="课程", exact=True).click()
    page.get_by_role("link", name="安全微课").click()
    page.get_by_role("button", name="报名学习").click()
    expect(page.locator(".flash-success")).to_contain_text("安全微课")
    page.get_by_role("button", name="继续学习：第一课").click()

    body = page.get_by_test_id("lesson-body")
    expect(body).to_contain_text("安全提示")
    assert body.locator("script").count() == 0
    assert "javascript:" not in body.inner_html()
    page.get_by_role("button", name="标记为已学完").click()
    expect(page.locator(".flash-success")).to_contain_text("已学完")
    expect(page.locator("h1")).to_have_text("第二课")
    expect(page.get_by_test_id("progress")).to_contain_text("50%")
    page.get_by_role("button", name="标记为已学完").click()
    expect(page.get_by_test_id("progress").first).to_contain_text("100%")
    expect(page.locator(".done-note")).to_be_visible()
    assert dialogs == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_member_registers_and_checks_in_to_an_activity(
    page: Page, site: str, make_user, db, viewport
):
    page.set_viewport_size(viewport)
    course = make_course(title="线下活动课", modules=((5,),))
    starts = utcnow() + timedelta(minutes=5)
    talk = activities.add_activity(
        course.modules[0],
        title="专家讲座",
        description_md="欢迎参加",
        kind="expert_talk",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        place="报告厅",
        capacity=50,
    )
    make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    db.session.commit()
    code = talk.activity.checkin_code

    log_in(page, site, "xiaoli", "member-pass-1")
    page.goto(f"{site}/courses/{course.id}")
    page.get_by_role("link", name="专家讲座").click()
    expect(page.locator("h1")).to_have_text("专家讲座")
    expect(page.get_by_text("报告厅")).to_be_visible()
    page.get_by_role("button", name="报名", exact=True).click()
    expect(page.get_by_test_id("registered")).to_be_visible()
    page.get_by_label("签到码").fill("WRONG9")
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.locator(".flash-error")).to_contain_text("签到码不正确")
    page.get_by_label("签到码").fill(code.lower())
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.get_by_test_id("attended")).to_be_visible()
    page.goto(f"{site}/courses/{course.id}")
    expect(page.get_by_test_id("progress").first).to_contain_text("50%")

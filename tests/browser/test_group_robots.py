"""An admin connects a unit's Feishu group robot, tests it, sees a refusal explained, removes it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in
from tests.factories import OrgUnitFactory

PASSWORD = "admin-pass-1"


def test_admin_adds_tests_and_removes_a_robot(
    page: Page, site: str, make_user, db, robot_receiver, browser_errors
) -> None:
    unit = OrgUnitFactory(name="第一支部")
    make_user(username="root", role="admin", password=PASSWORD, unit=unit)
    db.session.commit()
    robot_receiver.secrets["branch-chat"] = "feishu-secret"
    log_in(page, site, "root", PASSWORD)

    page.get_by_test_id("manage-menu").locator("summary").click()
    page.get_by_role("link", name="群机器人").click()
    expect(page.get_by_label("允许的主机")).to_have_value("127.0.0.1")
    page.get_by_role("group").get_by_text("为单位添加机器人").click()
    page.get_by_role("link", name="第一支部").click()

    page.get_by_label("名称").fill("支部飞书群")
    page.get_by_label("平台").select_option(label="飞书")
    address = robot_receiver.url("feishu", "branch-chat")
    page.get_by_label("Webhook 地址").fill(address.replace("https://", "http://"))
    page.get_by_role("button", name="添加机器人").click()
    expect(page.locator(".field-errors")).to_contain_text("只允许 https 地址")

    page.get_by_label("Webhook 地址").fill(address)
    page.get_by_label("签名密钥（钉钉、飞书）").fill("feishu-secret")
    page.get_by_label("竞赛开始时推送").uncheck()
    page.get_by_role("button", name="添加机器人").click()
    row = page.get_by_test_id("robot-row")
    expect(row).to_contain_text("通知公告, 成绩已公布")
    expect(row).not_to_contain_text("branch-chat")  # the token stays hidden

    row.get_by_role("button", name="发送测试消息").click()
    expect(page.locator(".flash-success")).to_contain_text("测试消息已推送到“支部飞书群”")
    [posted] = robot_receiver.received
    assert posted.body["content"]["post"]["zh_cn"]["title"] == "来自学习平台的测试消息"

    robot_receiver.secrets["branch-chat"] = "reset-in-feishu"
    page.get_by_test_id("robot-row").get_by_role("button", name="发送测试消息").click()
    expect(page.locator(".flash-error")).to_contain_text("19021")
    expect(page.get_by_test_id("robot-error")).to_contain_text("sign match fail")

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("robot-row").get_by_role("button", name="移除").click()
    expect(page.locator(".flash-success")).to_contain_text("已删除")
    expect(page.get_by_test_id("robot-row")).to_have_count(0)
    assert browser_errors == []

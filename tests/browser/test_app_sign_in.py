"""A member who logs in through the organisation's sign-in page (no password of ours) signs
the mobile app in: profile, "在应用中登录", create a token, copy it; later signs the app out."""

from __future__ import annotations

import tempfile
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in, open_menu

SHOTS = Path(tempfile.gettempdir()) / "shots-apps"


def test_a_member_signs_the_app_in_and_out_from_the_profile(
    page: Page, site: str, app: Flask, make_user, db, browser_errors
) -> None:
    page.set_viewport_size(PHONE)
    make_user(username="xiaozhou", display_name="小周", password="member-pass-1")
    db.session.commit()
    log_in(page, site, "xiaozhou", "member-pass-1")
    open_menu(page)
    page.get_by_test_id("profile-link").click()
    page.get_by_role("button", name="在应用中登录").click()
    expect(page.get_by_text("目前没有应用以你的身份登录。")).to_be_visible()

    page.get_by_role("button", name="创建令牌").click()
    token = page.get_by_label("你的新令牌")
    expect(token).to_be_visible()
    secret = token.input_value()
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "app-token-phone.png", full_page=True)
    with app.test_client() as phone_app:  # the mobile app, with what the member pasted
        me = phone_app.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert me.status_code == 200 and me.get_json()["username"] == "xiaozhou"

    page.goto(f"{site}/profile/apps")  # later: the token is shown once, not any more
    expect(page.get_by_label("你的新令牌")).to_have_count(0)
    page.get_by_role("button", name="让此应用退出登录").click()
    expect(page.get_by_text("该应用已退出登录。")).to_be_visible()
    expect(page.get_by_text("目前没有应用以你的身份登录。")).to_be_visible()
    db.session.rollback()  # the test's own reads see what the server committed since
    with app.test_client() as phone_app:
        gone = phone_app.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert gone.status_code == 401
    assert browser_errors == []

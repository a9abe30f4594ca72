"""A member finds their calendar address, resets it, and adds an activity to their calendar."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from courses.services.enrolment import enrol
from lms.core.clock import utcnow
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import either, log_in
from tests.courses_factories import add_talk, make_course

PASSWORD = "calendar-pass-123"
SHOTS = Path(tempfile.gettempdir()) / "shots-remind"
LANGUAGE = os.environ.get("LMS_SHOTS_LANGUAGE", "zh_Hans")  # screenshots in English too


def test_a_member_subscribes_resets_and_adds_an_activity(
    page: Page, site: str, make_user: Any, db: Any, browser_errors: list[str]
) -> None:
    member = make_user(username="xiaohong", display_name="李小红", password=PASSWORD,
                       language=LANGUAGE)  # fmt: skip
    course = make_course(title="党史学习")
    enrol(member, course)
    talk = add_talk(course.modules[0], utcnow() + timedelta(days=2))
    talk.title = "专家讲座：新时代的青年"
    db.session.commit()
    SHOTS.mkdir(exist_ok=True)

    log_in(page, site, "xiaohong", PASSWORD)
    page.get_by_test_id("profile-link").click()
    page.get_by_role("button", name=either("我的日历", "My calendar")).click()
    address = page.get_by_label(either("你的日历地址", "Your calendar address"))
    old = address.input_value()
    assert old.startswith(f"{site}/calendar/feed/") and old.endswith(".ics")
    expect(page.get_by_test_id("calendar-upcoming")).to_contain_text("专家讲座：新时代的青年")
    page.screenshot(path=SHOTS / f"calendar-desktop-{LANGUAGE}.png", full_page=True)
    feed = page.request.get(old)
    assert feed.ok and "专家讲座：新时代的青年" in feed.text()

    page.get_by_role("button", name=either("重置我的日历地址", "Reset my calendar address")).click()
    expect(page.locator(".flash-success, [role=status]").first).to_be_visible()
    new = address.input_value()
    assert new != old
    assert page.request.get(old).status == 404
    assert page.request.get(new).ok

    page.set_viewport_size(PHONE)
    page.screenshot(path=SHOTS / f"calendar-phone-{LANGUAGE}.png", full_page=True)
    page.get_by_test_id("calendar-upcoming").get_by_role("link").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name=either("添加到日历", "Add to calendar")).click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("BEGIN:VCALENDAR") and "专家讲座：新时代的青年" in text
    assert download.value.suggested_filename == f"activity-{talk.id}.ics"
    page.screenshot(path=SHOTS / f"activity-phone-{LANGUAGE}.png", full_page=True)
    assert browser_errors == []

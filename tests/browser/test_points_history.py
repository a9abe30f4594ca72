"""A member's points history on a phone: each entry's date reads whole, in both languages."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lms.points import services
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import log_in

PASSWORD = "points-pass-123"
SHOTS = Path(tempfile.gettempdir()) / "shots-courses"  # screenshots to look at after a run


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_points_history_fits_a_phone(
    page: Page, site: str, make_user: Any, db: Any, browser_errors: list[str], language: str
) -> None:
    page.set_viewport_size(PHONE)
    member = make_user(
        username="xiaoming", display_name="王小明", password=PASSWORD, language=language
    )
    for number in range(3):
        services.award(
            member,
            "lesson_completed",
            source_type="course_item",
            source_id=number + 1,
            reason=f"安全生产第{number + 1}课：危险化学品的储存、运输与应急处置",
        )
    db.session.commit()
    log_in(page, site, "xiaoming", PASSWORD)
    page.goto(f"{site}/points")
    history = page.get_by_test_id("points-history")
    expect(history).to_contain_text("危险化学品")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"points-history-phone-{language}.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    # Nothing of the table is hidden to the right, and every date stays on one line.
    box = history.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]
    for date in history.get_by_test_id("entry-date").all():
        line = date.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert date.evaluate("e => e.getBoundingClientRect().height") < 2 * line
    assert browser_errors == []

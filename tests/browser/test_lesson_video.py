"""A video lesson: the author uploads the clip (kept through a form error), a member watches
it to the end and the lesson completes; there is no reading button under the video."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in, log_out
from tests.courses_factories import CLIP, make_course

SHOTS = Path(tempfile.gettempdir()) / "shots-courses"  # screenshots to look at after a run


def test_author_uploads_a_video_and_a_member_completes_the_lesson_by_watching(
    page: Page, site: str, make_user, db, browser_errors
):
    course = make_course(title="视频微课", modules=((5, 5),), min_read_seconds=0)
    lesson = course.modules[0].items[0]
    make_user(username="root", role="admin", password="admin-pass-1")
    make_user(username="xiaoli", display_name="小李", password="member-pass-1")
    db.session.commit()

    log_in(page, site, "root", "admin-pass-1")
    page.goto(f"{site}/manage/courses/{course.id}")
    row = page.get_by_test_id("outline-item").filter(has_text=lesson.title)
    row.get_by_role("link", name="编辑").click()
    page.get_by_label("视频文件（MP4）").set_input_files(CLIP)
    page.get_by_label("标题").fill("")
    page.get_by_role("button", name="保存").click()
    # The title is missing: the page comes back with the chosen video kept.
    expect(page.get_by_test_id("pending-video")).to_contain_text("clip-2s.mp4")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "lesson-form-kept-video.png", full_page=True)
    page.get_by_label("标题").fill("看视频学党史")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_be_visible()
    row = page.get_by_test_id("outline-item").filter(has_text="看视频学党史")
    row.get_by_role("link", name="编辑").click()
    expect(page.get_by_test_id("current-video")).to_contain_text("clip-2s.mp4 · 2 秒")
    log_out(page)

    log_in(page, site, "xiaoli", "member-pass-1")
    page.goto(f"{site}/courses/{course.id}")
    page.get_by_role("link", name="看视频学党史").click()
    expect(page.get_by_test_id("watch-note")).to_contain_text("观看视频的 90% 以上即可完成本课")
    expect(page.get_by_role("button", name="标记为已学完")).to_have_count(0)
    page.get_by_test_id("video").click()  # play, as a person clicks the picture
    expect(page.get_by_test_id("lesson-done")).to_be_visible(timeout=15_000)
    page.screenshot(path=SHOTS / "lesson-watched.png", full_page=True)
    expect(page.get_by_test_id("progress").first).to_contain_text("50%")
    assert browser_errors == []

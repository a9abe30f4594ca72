"""Course files on S3-compatible storage, in a real browser: the admin gives a course a cover
through the form, a member of its audience sees the cover in the catalogue and the lesson's
video loads (its ranges read from the bucket through the app); a member outside the audience
who has the cover's address gets the not-found page."""

from __future__ import annotations

import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from courses.models import Course
from tests.browser.test_member_journey import log_in, log_out
from tests.courses_factories import add_video, make_course
from tests.factories import OrgUnitFactory

SHOTS = Path(tempfile.gettempdir()) / "shots-storage"


def _png(path: Path) -> Path:
    """A real 40x30 red PNG, so the browser can draw it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * 40 for _ in range(30))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.mark.parametrize("storage_backend", ["s3"], indirect=True)
def test_course_files_on_s3_reach_the_audience_only(
    page: Page, site: str, make_user, db, browser_errors, storage_backend, tmp_path
):
    audience = OrgUnitFactory(name="第一支部")
    course = make_course(title="存储课程", modules=((5,),), units=[audience], min_read_seconds=0)
    lesson = course.modules[0].items[0]
    add_video(lesson)
    make_user(username="root", role="admin", password="admin-pass-1")
    make_user(username="xiaoli", password="member-pass-1", unit=audience)
    make_user(username="outsider", password="member-pass-1", unit=OrgUnitFactory(name="别处"))
    db.session.commit()

    log_in(page, site, "root", "admin-pass-1")
    page.goto(f"{site}/manage/courses/{course.id}")
    page.get_by_label("封面图片（PNG、JPEG、GIF 或 WebP）").set_input_files(
        _png(tmp_path / "封面.png")
    )
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()
    log_out(page)

    log_in(page, site, "xiaoli", "member-pass-1")
    page.goto(f"{site}/courses/")
    cover = page.locator("img.cover")
    expect(cover).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.cover').naturalWidth === 40")
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / "catalogue-cover-s3.png", full_page=True)
    page.goto(f"{site}/lessons/{lesson.id}")
    page.wait_for_function(
        "() => document.querySelector('video.lesson-video').readyState >= 1"
    )  # the player read the video's metadata through range requests
    duration = page.evaluate("document.querySelector('video.lesson-video').duration")
    assert 1.5 < duration < 2.5
    log_out(page)

    db.session.rollback()  # see what the site committed
    stored = db.session.get(Course, course.id).cover
    cover_address = f"{site}/files/{stored.token}/{stored.filename}"
    log_in(page, site, "outsider", "member-pass-1")
    answer = page.goto(cover_address)
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    assert [e for e in browser_errors if "404" not in e] == []

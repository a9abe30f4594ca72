"""Lesson videos and attachments: uploading, serving with ranges, embeds, 90 % watched."""

from __future__ import annotations

import io

from courses.models import CourseItem
from courses.services import authoring
from lms.core.uploads import save_upload
from tests.courses_factories import make_course
from tests.factories import UserFactory

EN = {"Accept-Language": "en"}
MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
PDF = b"%PDF-1.4\n" + b"x" * 100


def _edit(client, item, **extra):
    data = {"title": item.title, "minutes": 5, "body_md": "text", **extra}
    return client.post(
        f"/manage/items/{item.id}/edit", data=data, content_type="multipart/form-data", headers=EN
    )


def test_admin_uploads_a_video_and_attachments(client, db, admin, login_as):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    response = _edit(
        client,
        item,
        video_file=(io.BytesIO(MP4), "clip.mp4"),
        video_seconds="120",
        new_attachments=[(io.BytesIO(PDF), "guide.pdf")],
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    item = db.session.get(CourseItem, item.id)
    assert item.video.filename == "clip.mp4"
    assert item.video_seconds == 120
    assert [a.upload.filename for a in item.attachments] == ["guide.pdf"]

    login_as(UserFactory())
    page = client.get(f"/lessons/{item.id}").get_data(as_text=True)
    assert 'data-testid="video"' in page
    video_url = f"/files/{item.video.token}/clip.mp4"
    ranged = client.get(video_url, headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206
    assert ranged.data == MP4[100:200]
    assert ranged.headers["Content-Type"] == "video/mp4"
    pdf = client.get(f"/files/{item.attachments[0].upload.token}/guide.pdf")
    assert pdf.headers["Content-Disposition"].startswith("attachment")
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/files/not-a-token/guide.pdf").status_code == 404


def test_video_needs_its_length_and_embeds_need_an_allowed_host(client, db, admin, login_as):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    no_length = _edit(client, item, video_file=(io.BytesIO(MP4), "clip.mp4"))
    assert "length in seconds" in no_length.get_data(as_text=True)
    evil = _edit(client, item, video_url="https://evil.example/embed", video_seconds="60")
    assert "only from https addresses" in evil.get_data(as_text=True)
    plain = _edit(client, item, video_url="http://player.bilibili.com/x", video_seconds="60")
    assert "only from https addresses" in plain.get_data(as_text=True)
    ok = _edit(
        client, item, video_url="https://player.bilibili.com/player.html?bvid=1", video_seconds="60"
    )
    assert ok.status_code == 302
    page = client.get(f"/lessons/{item.id}").get_data(as_text=True)
    assert '<iframe src="https://player.bilibili.com/player.html?bvid=1"' in page
    assert (
        "frame-src 'self' https://player.bilibili.com"
        in client.get("/").headers["Content-Security-Policy"]
    )


def test_too_large_upload_is_413(client, db, admin, login_as, app):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    app.config["UPLOAD_ATTACHMENT_MB"] = 0
    try:
        response = _edit(client, item, new_attachments=[(io.BytesIO(PDF), "big.pdf")])
    finally:
        app.config["UPLOAD_ATTACHMENT_MB"] = 20
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CourseItem, item.id).attachments == []


def test_watching_90_percent_completes_the_lesson(client, db, login_as, clock):
    course = make_course(modules=((5, 5),))
    item = course.modules[0].items[0]
    authoring.set_lesson_video(
        item, upload=save_upload(io.BytesIO(MP4), "clip.mp4", "video"), seconds=100
    )
    member = UserFactory()
    db.session.commit()
    login_as(member)
    client.get(f"/lessons/{item.id}")
    url = f"/lessons/{item.id}/video-progress"
    # Claiming the whole video one second after opening is not believed.
    clock.advance(seconds=1)
    early = client.post(url, json={"watched_seconds": 100}).get_json()
    assert early["completed"] is False
    clock.advance(seconds=44)
    done = client.post(url, json={"watched_seconds": 90}).get_json()
    assert done == {"completed": True, "percent": 50}
    assert client.post(url, json={"watched_seconds": "lots"}).status_code == 400

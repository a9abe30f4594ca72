"""Lesson videos and attachments: uploading, serving with ranges, embeds, 90 % watched."""

from __future__ import annotations

import io

from courses.models import CourseItem, ItemProgress
from tests.courses_factories import CLIP, add_video, make_course
from tests.factories import UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}
MP4 = CLIP.read_bytes()
NOT_A_VIDEO = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
PDF = b"%PDF-1.4\n" + b"x" * 100


def _edit(client, item, page=None, **extra):
    """Fill the lesson form (``page``: the form as a refused save sent it back)."""
    data = {"title": item.title, "minutes": 5, "body_md": "text", **extra}
    return submit_form(client, f"/manage/items/{item.id}/edit", data, page=page, headers=EN)


def test_admin_uploads_a_video_and_attachments(client, db, admin, login_as):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    response = _edit(
        client,
        item,
        video_file=(io.BytesIO(MP4), "clip.mp4"),
        new_attachments=(io.BytesIO(PDF), "guide.pdf"),
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    item = db.session.get(CourseItem, item.id)
    assert item.video.filename == "clip.mp4"
    assert item.video_seconds == 2  # read from the file
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


def test_video_length_comes_from_the_file_and_embeds_need_an_allowed_host(
    client, db, admin, login_as
):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    form = client.get(f"/manage/items/{item.id}/edit", headers=EN).get_data(as_text=True)
    assert "video_seconds" not in form  # nobody types a length
    unreadable = _edit(client, item, video_file=(io.BytesIO(NOT_A_VIDEO), "clip.mp4"))
    assert "length could not be read" in unreadable.get_data(as_text=True)
    evil = _edit(client, item, video_url="https://evil.example/embed")
    assert "only from https addresses" in evil.get_data(as_text=True)
    plain = _edit(client, item, video_url="http://player.bilibili.com/x")
    assert "only from https addresses" in plain.get_data(as_text=True)
    ok = _edit(client, item, video_url="https://player.bilibili.com/player.html?bvid=1")
    assert ok.status_code == 302
    page = client.get(f"/lessons/{item.id}").get_data(as_text=True)
    assert '<iframe src="https://player.bilibili.com/player.html?bvid=1"' in page
    assert 'data-testid="complete"' in page  # an embed cannot report watching
    assert (
        "frame-src 'self' https://player.bilibili.com"
        in client.get("/").headers["Content-Security-Policy"]
    )


def test_a_form_error_keeps_the_chosen_video(client, db, admin, login_as):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    refused = _edit(client, item, title="", video_file=(io.BytesIO(MP4), "talk.mp4"))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Chosen video: talk.mp4" in page
    assert page.split('name="pending_video" type="hidden" value="')[1].split('"')[0]
    saved = _edit(client, item, page=page, title="Fixed title")
    assert saved.status_code == 302
    db.session.expire_all()
    item = db.session.get(CourseItem, item.id)
    assert (item.title, item.video.filename, item.video_seconds) == ("Fixed title", "talk.mp4", 2)


def test_another_users_staged_video_is_not_taken(client, db, admin, login_as, make_user):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    other = make_user(username="admin2", role="admin")
    login_as(other)
    page = _edit(client, item, title="", video_file=(io.BytesIO(MP4), "theirs.mp4"))
    token = page.get_data(as_text=True).split('name="pending_video" type="hidden" value="')[1]
    login_as(admin)
    forged = token.split('"')[0]  # tampered: the page never gives this admin the other's token
    assert _edit(client, item, pending_video=forged).status_code == 302
    db.session.expire_all()
    assert db.session.get(CourseItem, item.id).video is None


def test_too_large_upload_is_413(client, db, admin, login_as, app):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    app.config["UPLOAD_ATTACHMENT_MB"] = 0
    try:
        response = _edit(client, item, new_attachments=(io.BytesIO(PDF), "big.pdf"))
    finally:
        app.config["UPLOAD_ATTACHMENT_MB"] = 20
    assert response.status_code == 413
    assert "larger than" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CourseItem, item.id).attachments == []


def test_a_video_lesson_is_completed_by_watching_not_by_the_reading_button(
    client, db, login_as, clock
):
    course = make_course(modules=((5, 5),), min_read_seconds=0)
    item = course.modules[0].items[0]
    add_video(item)
    item.video_seconds = 100
    member = UserFactory()
    db.session.commit()
    login_as(member)
    page = client.get(f"/lessons/{item.id}", headers=EN).get_data(as_text=True)
    assert 'data-testid="complete"' not in page
    assert "Watch at least 90%" in page
    clock.advance(seconds=600)
    client.post(f"/lessons/{item.id}/complete", headers=EN)  # by hand: the page has no button
    api = client.post(f"/api/v1/lessons/{item.id}/complete", headers=EN)
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "watch_video"
    record = db.session.query(ItemProgress).filter_by(item_id=item.id).one()
    assert record.completed_at is None

    url = f"/lessons/{item.id}/video-progress"
    # Claiming the whole video at once, however long the page was open, is not believed.
    early = client.post(url, json={"watched_seconds": 100}).get_json()
    assert early == {"completed": False, "percent": 0, "watched_percent": 60}
    clock.advance(seconds=10)
    halfway = client.post(url, json={"watched_seconds": 90}).get_json()
    assert halfway == {"completed": False, "percent": 0, "watched_percent": 80}
    clock.advance(seconds=5)
    done = client.post(url, json={"watched_seconds": 90}).get_json()
    assert done == {"completed": True, "percent": 50, "watched_percent": 90}
    assert client.post(url, json={"watched_seconds": "lots"}).status_code == 400


def test_the_api_reports_watching_and_refuses_nonsense(client, db, login_as, clock):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    add_video(item)
    member = UserFactory()
    db.session.commit()
    login_as(member)
    lesson = client.get(f"/api/v1/lessons/{item.id}").get_json()
    assert (lesson["completed_by"], lesson["video_seconds"]) == ("watching", 2)
    url = f"/api/v1/lessons/{item.id}/video-progress"
    for nonsense in ("2", True, [2], {"s": 2}, None):
        refused = client.post(url, json={"watched_seconds": nonsense})
        assert refused.status_code == 400
        assert refused.get_json()["error"]["code"] == "bad_request"
    assert client.post(url, json={"watched_seconds": 10**400}).status_code == 400
    assert client.post(url, json={"watched_seconds": 2**62}).status_code == 200
    clock.advance(seconds=2)
    done = client.post(url, json={"watched_seconds": 2}).get_json()
    assert (done["completed"], done["watched_percent"]) == (True, 100)


def test_a_video_too_large_is_413_and_nothing_is_kept(client, db, admin, login_as, app):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)
    app.config["UPLOAD_VIDEO_MB"] = 0
    try:
        response = _edit(client, item, video_file=(io.BytesIO(MP4), "big.mp4"))
    finally:
        app.config["UPLOAD_VIDEO_MB"] = 200
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "larger than" in page
    assert "Chosen video" not in page
    db.session.expire_all()
    assert db.session.get(CourseItem, item.id).video is None

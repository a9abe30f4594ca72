"""Stored files through the pages, on both back ends (a folder and an S3 bucket): a course's
files only for those who may see it, ranges for videos, nothing left by refused forms, a
question import whose commit reaches "another server"."""

from __future__ import annotations

import io
from pathlib import Path

from courses.models import Course, CourseItem
from lms.core.storage import Storage
from lms.core.uploads import Upload
from question_bank.models import Question
from tests.courses_factories import CLIP, add_video, make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.storage_fixtures import new_s3_storage

EN = {"Accept-Language": "en"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"x" * 100


def _keys(store: Storage) -> list[str]:
    return [stored.key for stored in store.list()]


def _cover(client, course: Course, data: bytes = PNG, **changes):
    changes = {"cover_image": (io.BytesIO(data), "cover.png"), **changes}
    return submit_form(client, f"/manage/courses/{course.id}", changes, headers=EN)


def test_a_cover_is_served_only_to_those_who_may_see_the_course(
    client, db, admin, login_as, storage_backend
):
    audience, outsider_unit = OrgUnitFactory(), OrgUnitFactory()
    course = make_course(units=[audience])
    db.session.commit()
    login_as(admin)
    assert _cover(client, course).status_code == 302
    db.session.expire_all()
    cover = db.session.get(Course, course.id).cover
    url = f"/files/{cover.token}/cover.png"
    assert _keys(storage_backend) == [cover.key]

    login_as(UserFactory(unit=audience))
    fetched = client.get(url)
    assert fetched.status_code == 200
    assert fetched.data == PNG
    assert fetched.headers["Content-Type"] == "image/png"
    login_as(UserFactory(unit=outsider_unit))
    assert client.get(url).status_code == 404  # as if it did not exist

    login_as(admin)
    assert _cover(client, course, cover_image=None, remove_cover="y").status_code == 302
    login_as(UserFactory(unit=audience))
    assert client.get(url).status_code == 404  # removed from the course


def test_a_removed_attachment_and_a_draft_lesson_are_not_served(
    client, db, admin, login_as, storage_backend
):
    course = make_course(modules=((5, 5),))
    first, second = course.modules[0].items
    db.session.commit()
    login_as(admin)
    submit_form(
        client,
        f"/manage/items/{first.id}/edit",
        {"new_attachments": (io.BytesIO(PDF), "guide.pdf")},
        headers=EN,
    )
    db.session.expire_all()
    attachment = db.session.get(CourseItem, first.id).attachments[0]
    url = f"/files/{attachment.upload.token}/guide.pdf"
    member = UserFactory()
    db.session.commit()
    login_as(member)
    assert client.get(url).data == PDF
    login_as(admin)
    client.post(f"/manage/items/{first.id}/attachments/{attachment.id}/delete")
    login_as(member)
    assert client.get(url).status_code == 404

    add_video(second)
    second.is_published = False
    db.session.commit()
    video_url = f"/files/{second.video.token}/clip.mp4"
    assert client.get(video_url).status_code == 404
    login_as(admin)
    assert client.get(video_url).status_code == 200  # its editors see it


def test_a_video_answers_range_requests_on_both_backends(
    client, db, member, login_as, storage_backend
):
    item = make_course(modules=((5,),)).modules[0].items[0]
    add_video(item)
    db.session.commit()
    assert item.video_seconds == 2  # read from the stored file
    login_as(member)
    clip = CLIP.read_bytes()
    ranged = client.get(f"/files/{item.video.token}/clip.mp4", headers={"Range": "bytes=100-199"})
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 100-199/{len(clip)}"
    assert ranged.data == clip[100:200]
    tail = client.get(f"/files/{item.video.token}/clip.mp4", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.data == clip[-10:]
    whole = client.get(f"/files/{item.video.token}/clip.mp4")
    assert whole.status_code == 200 and whole.data == clip
    assert whole.headers["Accept-Ranges"] == "bytes"
    beyond = client.get(f"/files/{item.video.token}/clip.mp4", headers={"Range": "bytes=9999999-"})
    assert beyond.status_code == 416


def test_refused_forms_leave_no_files(client, db, admin, login_as, storage_backend):
    item = make_course(modules=((5,),)).modules[0].items[0]
    db.session.commit()
    login_as(admin)
    too_many = {"new_attachments": [(io.BytesIO(PDF), f"{n}.pdf") for n in range(11)]}
    refused = submit_form(client, f"/manage/items/{item.id}/edit", too_many, headers=EN)
    assert "at most 10 attachments" in refused.get_data(as_text=True)
    not_a_video = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40
    refused = submit_form(
        client,
        f"/manage/items/{item.id}/edit",
        {"video_file": (io.BytesIO(not_a_video), "clip.mp4")},
        headers=EN,
    )
    assert "length could not be read" in refused.get_data(as_text=True)
    assert _keys(storage_backend) == []
    assert db.session.query(Upload).count() == 0


def test_a_storage_failure_is_a_503_with_a_message(client, db, admin, login_as, s3_endpoint, app):
    from lms.core.storage.s3 import S3Storage  # noqa: PLC0415

    item = make_course(modules=((5,),)).modules[0].items[0]
    add_video(item)
    db.session.commit()
    broken = S3Storage("no-such-bucket", endpoint_url="http://127.0.0.1:9", region="us-east-1")
    broken.client.meta.config.retries = {"max_attempts": 0}
    app.extensions["lms_storage"], previous = broken, app.extensions.get("lms_storage")
    try:
        login_as(admin)
        fetched = client.get(f"/files/{item.video.token}/clip.mp4", headers=EN)
        assert fetched.status_code == 503
        assert "file storage is not available" in fetched.get_data(as_text=True)
        course = db.session.get(Course, item.module.course_id)
        refused = _cover(client, course)
        assert refused.status_code == 503
        assert "file storage is not available" in refused.get_data(as_text=True)
    finally:
        app.extensions["lms_storage"] = previous


def test_signed_urls_redirect_after_the_access_check(
    client, db, member, login_as, s3_endpoint, app
):
    store = new_s3_storage(s3_endpoint, signed_url_seconds=60)
    app.extensions["lms_storage"], previous = store, app.extensions.get("lms_storage")
    try:
        item = make_course(modules=((5,),)).modules[0].items[0]
        add_video(item)
        draft = make_course(published=False)
        draft_cover = Upload(token="x" * 22, filename="c.png", extension="png", size=1, sha256="")
        draft.cover = draft_cover
        db.session.commit()
        login_as(member)
        answer = client.get(f"/files/{item.video.token}/clip.mp4")
        assert answer.status_code == 302
        assert answer.headers["Location"].startswith(s3_endpoint)
        assert client.get(f"/files/{draft_cover.token}/c.png").status_code == 404
    finally:
        app.extensions["lms_storage"] = previous


def _local_files(instance: Path) -> set[str]:
    """Files under the instance folder's ``imports`` (where previews were parked before)."""
    return {str(path) for path in (instance / "imports").rglob("*")}


def test_an_import_previewed_on_one_server_commits_on_another(
    client, db, organizer, login_as, storage_backend, app, tmp_path
):
    login_as(organizer)
    local_files_before = _local_files(Path(app.instance_path))
    aiken = b"What is 2+2?\nA. 3\nB. 4\nANSWER: B\n"
    changes = {"file": (io.BytesIO(aiken), "bank.txt"), "format": "aiken"}
    preview = submit_form(client, "/bank/import/", changes, headers=EN).get_data(as_text=True)
    assert [key.startswith("pending-imports/") for key in _keys(storage_backend)] == [True]
    assert _local_files(Path(app.instance_path)) == local_files_before  # nothing parked locally

    # "Server B": an empty instance folder, its own storage object on the same folder or bucket.
    other = tmp_path / "instance-b"
    other.mkdir()
    original_instance = app.instance_path
    app.instance_path = str(other)
    app.extensions["lms_storage"] = type(storage_backend).__new__(type(storage_backend))
    app.extensions["lms_storage"].__dict__.update(storage_backend.__dict__)
    try:
        done = submit_form(client, "/bank/import/", page=preview, form="/bank/import/commit")
    finally:
        app.instance_path = original_instance
    assert done.status_code == 302
    assert db.session.query(Question).count() == 1
    assert _keys(storage_backend) == []  # the pending file went with the import


def test_question_images_reach_members_and_loose_files_only_their_uploader(
    client, db, organizer, member, login_as
):
    from lms.core.uploads import save_upload  # noqa: PLC0415

    image = save_upload(io.BytesIO(PNG), "q.png", "image", organizer.id, scope="question")
    loose = save_upload(io.BytesIO(PNG), "staged.png", "image", organizer.id)
    db.session.commit()
    login_as(member)
    assert client.get(f"/files/{image.token}/q.png").data == PNG
    assert client.get(f"/files/{loose.token}/staged.png").status_code == 404
    login_as(organizer)
    assert client.get(f"/files/{loose.token}/staged.png").status_code == 200

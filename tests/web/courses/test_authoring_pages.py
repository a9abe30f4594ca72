"""Authoring pages: who may edit, forms, reordering, publishing, the preview."""

from __future__ import annotations

from courses.models import Course
from courses.services.progress import load_course
from tests.courses_factories import make_course
from tests.factories import UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def test_admin_writes_and_publishes_a_course(client, db, admin, login_as):
    login_as(admin)
    created = submit_form(
        client,
        "/manage/courses/new",
        {"title": "法规学习", "summary_md": "**简介**", "tags": "法规，必修"},
    )
    assert created.status_code == 302
    course = db.session.query(Course).one()
    assert [t.name for t in course.tags] == ["必修", "法规"]
    outline = f"/manage/courses/{course.id}"
    submit_form(client, outline, {"module-title": "第一单元"}, form=f"{outline}/modules")
    module = load_course(course.id).modules[0]
    for title in ("甲", "乙"):
        submit_form(
            client,
            f"/manage/modules/{module.id}/lessons/new",
            {"title": title, "minutes": 3, "body_md": "正文"},
        )
    course = load_course(course.id)
    _first, second = course.modules[0].items
    submit_form(client, outline, form=f"/manage/items/{second.id}/move", button="up")
    db.session.expire_all()
    assert [i.title for i in load_course(course.id).modules[0].items] == ["乙", "甲"]
    submit_form(client, outline, form=f"{outline}/publish")
    db.session.expire_all()
    assert db.session.get(Course, course.id).is_published


def test_bad_lesson_input_re_renders(client, db, admin, login_as):
    course = make_course()
    db.session.commit()
    login_as(admin)
    module = course.modules[0]
    before = len(module.items)
    for data in (
        {"title": "", "minutes": 3},
        {"title": "x", "minutes": 0},
        {"title": "x", "minutes": 3, "min_read_seconds": -1},
    ):
        url = f"/manage/modules/{module.id}/lessons/new"
        response = submit_form(client, url, data, headers=EN)
        assert response.status_code == 200
        assert "field-errors" in response.get_data(as_text=True)
    db.session.expire_all()
    assert len(load_course(course.id).modules[0].items) == before


def test_organizers_edit_only_courses_they_were_given(client, db, login_as):
    organizer = UserFactory(role="organizer")
    mine = make_course(title="Mine")
    mine.editors = [organizer]
    other = make_course(title="Other")
    db.session.commit()
    login_as(organizer)
    listing = client.get("/manage/courses/").get_data(as_text=True)
    assert "Mine" in listing
    assert "Other" not in listing
    assert client.get(f"/manage/courses/{mine.id}").status_code == 200
    assert client.get(f"/manage/courses/{other.id}").status_code == 403
    # by hand: the page that holds this button answers 403, so only a forged post can reach it
    assert client.post(f"/manage/courses/{other.id}/publish").status_code == 403
    assert client.get("/manage/courses/new").status_code == 403


def test_preview_is_sanitised(client, db, admin, login_as):
    login_as(admin)
    # by hand: app.js posts a data-preview textarea's text itself, not a form
    response = client.post(
        "/manage/preview", data={"text": "**b** <script>alert(1)</script> [x](javascript:alert(1))"}
    )
    html = response.get_json()["html"]
    assert "<strong>b</strong>" in html
    assert "<script" not in html
    assert "javascript:" not in html

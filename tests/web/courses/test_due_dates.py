"""Required courses' due dates: typed in Beijing time, kept only while the course is required."""

from __future__ import annotations

from datetime import UTC, datetime

from courses.models import Course
from tests.courses_factories import make_course
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def test_the_due_date_is_typed_in_beijing_time_and_shown_to_members(
    client, db, admin, member, login_as
):
    course = make_course(title="Rules", required=True)
    db.session.commit()
    login_as(admin)
    page = f"/manage/courses/{course.id}"
    form = client.get(page).get_data(as_text=True)
    assert 'name="due_at"' in form
    saved = submit_form(client, page, {"due_at": "2026-12-31T18:00", "is_required": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Course, course.id).due_at == datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    assert 'value="2026-12-31T18:00"' in client.get(page).get_data(as_text=True)
    login_as(member)
    shown = client.get(f"/courses/{course.id}", headers=EN).get_data(as_text=True)
    assert "Complete it by" in shown


def test_a_course_that_is_not_required_has_no_due_date(client, db, admin, login_as):
    course = make_course(title="Optional")
    db.session.commit()
    login_as(admin)
    submit_form(client, f"/manage/courses/{course.id}", {"due_at": "2026-12-31T18:00"})
    db.session.expire_all()
    assert db.session.get(Course, course.id).due_at is None


def test_a_far_due_date_is_refused_next_to_its_field(client, db, admin, login_as):
    course = make_course(title="Rules", required=True)
    db.session.commit()
    login_as(admin)
    response = submit_form(
        client, f"/manage/courses/{course.id}", {"due_at": "2999-01-01T00:00", "is_required": "y"}
    )
    assert response.status_code == 200  # the form again, with the problem next to the field
    assert "日期须在 2000 年到 2100 年之间" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Course, course.id).due_at is None


def test_the_api_sets_and_reads_the_due_date(client, db, admin, login_as):
    login_as(admin)
    created = client.post(
        "/api/v1/courses",
        json={
            "title": "Rules",
            "required": True,
            "published": True,
            "due_at": "2026-12-31T18:00:00+08:00",
        },
    )
    assert created.status_code == 201
    body = created.get_json()
    assert body["due_at"] == "2026-12-31T10:00:00+00:00"
    listed = client.get("/api/v1/courses").get_json()["items"]
    assert [c["due_at"] for c in listed] == ["2026-12-31T10:00:00+00:00"]
    cleared = client.patch(f"/api/v1/courses/{body['id']}", json={"due_at": None})
    assert cleared.get_json()["due_at"] is None
    bad = client.patch(f"/api/v1/courses/{body['id']}", json={"due_at": "tomorrow"})
    assert bad.status_code == 400
    assert "due_at" in bad.get_json()["error"]["message"]

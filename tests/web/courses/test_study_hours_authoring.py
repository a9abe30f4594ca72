"""Authors give courses, lessons and activities their study hours (学时) on the forms."""

from __future__ import annotations

from datetime import timedelta

from courses.services.study_hours import course_centihours, item_centihours
from tests.courses_factories import add_talk, make_course
from tests.formfill import read_form, submit_form

EN = {"Accept-Language": "en"}


def test_authors_set_and_clear_study_hours(client, db, admin, login_as, clock):
    course = make_course(modules=((30,),))
    talk = add_talk(course.modules[0], clock.now + timedelta(days=1))
    lesson = course.modules[0].items[0]
    db.session.commit()
    login_as(admin)

    refused = submit_form(
        client, f"/manage/items/{lesson.id}/edit", {"study_hours": "1.234"}, headers=EN
    )
    assert refused.status_code == 200
    assert 'id="study_hours-errors"' in refused.get_data(as_text=True)
    assert (
        submit_form(client, f"/manage/items/{lesson.id}/edit", {"study_hours": "0.75"}).status_code
        == 302
    )
    assert item_centihours(lesson) == 75
    assert read_form(client, f"/manage/items/{lesson.id}/edit").values()["study_hours"] == "0.75"

    submit_form(client, f"/manage/activities/{talk.id}/edit", {"study_hours": "3"})
    assert item_centihours(talk) == 300
    assert course_centihours(course) == 375

    outline = f"/manage/courses/{course.id}"
    assert submit_form(client, outline, {"study_hours": "8"}).status_code == 302
    assert course.study_centihours == 800
    assert (
        client.get(f"/courses/{course.id}")
        .get_data(as_text=True)
        .count('data-testid="course-hours"')
        == 1
    )
    submit_form(client, outline, {"study_hours": ""})
    assert course.study_centihours is None


def test_authors_set_study_hours_through_the_api(client, db, admin, login_as):
    login_as(admin)
    made = client.post("/api/v1/courses", json={"title": "Law", "study_hours": 8})
    assert made.status_code == 201 and made.get_json()["study_hours"] == 8
    course_id = made.get_json()["id"]
    changed = client.patch(f"/api/v1/courses/{course_id}", json={"study_hours": None})
    assert changed.get_json()["study_hours"] == 0  # no items yet: their sum
    module_id = client.post(f"/api/v1/courses/{course_id}/modules", json={"title": "M"}).get_json()[
        "id"
    ]
    lesson = {"kind": "lesson", "title": "L", "minutes": 30}
    for bad in (True, "1", 1.234, -1, 2000):
        answer = client.post(
            f"/api/v1/modules/{module_id}/items", json={**lesson, "study_hours": bad}
        )
        assert answer.status_code == 422, bad
        assert answer.get_json()["error"]["code"] == "validation_error"
    client.post(f"/api/v1/modules/{module_id}/items", json={**lesson, "study_hours": 1.5})
    client.post(f"/api/v1/modules/{module_id}/items", json=lesson)
    body = client.get(f"/api/v1/courses/{course_id}").get_json()
    assert [i["study_hours"] for i in body["modules"][0]["items"]] == [1.5, 0.5]
    assert body["study_hours"] == 2

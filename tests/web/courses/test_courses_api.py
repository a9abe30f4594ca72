"""The course endpoints of DESIGN.md section 6, with the rules of the pages."""

from __future__ import annotations

from tests.courses_factories import make_course
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory


def _bearer(client, user, password: str = PASSWORD) -> dict[str, str]:
    token = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": password}
    ).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_admin_authors_through_the_api(client, db):
    OrgUnitFactory(name="Org")
    admin = UserFactory(role="admin")
    db.session.commit()
    auth = _bearer(client, admin)
    created = client.post(
        "/api/v1/courses",
        json={"title": "API course", "summary": "*hi*", "tags": ["a"], "units": ["Org"]},
        headers=auth,
    )
    assert created.status_code == 201
    course = created.get_json()
    assert course["units"] == ["Org"]
    assert course["summary_html"] == "<p><em>hi</em></p>"
    module = client.post(
        f"/api/v1/courses/{course['id']}/modules", json={"title": "M"}, headers=auth
    ).get_json()
    item = client.post(
        f"/api/v1/modules/{module['id']}/items",
        json={"kind": "lesson", "title": "L", "body": "text", "minutes": 3},
        headers=auth,
    )
    assert item.status_code == 201
    published = client.patch(
        f"/api/v1/courses/{course['id']}", json={"published": True}, headers=auth
    ).get_json()
    assert published["published"] is True
    assert published["modules"][0]["items"][0]["title"] == "L"


def test_bad_api_input(client, db):
    admin = UserFactory(role="admin")
    db.session.commit()
    auth = _bearer(client, admin)
    for body, status in [
        ({}, 400),
        ({"title": ""}, 400),
        ({"title": "x", "units": ["Nowhere"]}, 422),
        ({"title": "x", "required": "yes"}, 400),
    ]:
        response = client.post("/api/v1/courses", json=body, headers=auth)
        assert response.status_code == status, body
        assert set(response.get_json()["error"]) >= {"code", "message"}
    course = make_course(modules=())
    db.session.commit()
    bad_item = client.post(f"/api/v1/courses/{course.id}/modules", json={"title": 5}, headers=auth)
    assert bad_item.status_code == 400


def test_member_studies_through_the_api(client, db, clock, app):
    course = make_course(modules=((5, 5),))
    member = UserFactory()
    db.session.commit()
    auth = _bearer(client, member)
    listing = client.get("/api/v1/courses", headers=auth).get_json()
    assert listing["total"] == 1
    assert listing["items"][0]["id"] == course.id
    enrolled = client.post(f"/api/v1/courses/{course.id}/enrol", headers=auth).get_json()
    assert enrolled["enrolled"] is True
    assert enrolled["progress"] == 0
    item_id = enrolled["modules"][0]["items"][0]["id"]
    lesson = client.get(f"/api/v1/lessons/{item_id}", headers=auth).get_json()
    assert set(lesson) >= {"id", "title", "body_html", "minutes", "completed"}
    early = client.post(f"/api/v1/lessons/{item_id}/complete", headers=auth)
    assert early.status_code == 409
    assert early.get_json()["error"]["code"] == "too_early"
    clock.advance(seconds=app.config["LESSON_MIN_READ_SECONDS"])
    done = client.post(f"/api/v1/lessons/{item_id}/complete", headers=auth).get_json()
    assert done["completed"] is True
    assert client.get(f"/api/v1/courses/{course.id}", headers=auth).get_json()["progress"] == 50


def test_members_cannot_reach_other_courses_or_author(client, db):
    hidden = make_course(units=[OrgUnitFactory(name="Elsewhere")])
    open_course = make_course(title="Open")
    member = UserFactory()
    organizer = UserFactory(role="organizer")
    db.session.commit()
    auth = _bearer(client, member)
    assert client.get(f"/api/v1/courses/{hidden.id}", headers=auth).status_code == 404
    item = hidden.modules[0].items[0].id
    assert client.get(f"/api/v1/lessons/{item}", headers=auth).status_code == 404
    assert client.post("/api/v1/courses", json={"title": "x"}, headers=auth).status_code == 403
    staff = _bearer(client, organizer)
    assert client.post("/api/v1/courses", json={"title": "x"}, headers=staff).status_code == 403
    patch = client.patch(
        f"/api/v1/courses/{open_course.id}", json={"published": False}, headers=staff
    )
    assert patch.status_code == 403


def test_activities_through_the_api(client, db):
    admin = UserFactory(role="admin")
    course = make_course(modules=((5,),))
    db.session.commit()
    auth = _bearer(client, admin)
    url = f"/api/v1/modules/{course.modules[0].id}/items"
    body = {
        "kind": "activity",
        "title": "参观",
        "activity_kind": "site_visit",
        "place": "博物馆",
        "starts_at": "2026-12-01T09:00:00+08:00",
        "ends_at": "2026-12-01T11:00:00+08:00",
    }
    created = client.post(url, json=body, headers=auth)
    assert created.status_code == 201
    naive = client.post(url, json={**body, "starts_at": "2026-12-01T09:00:00"}, headers=auth)
    assert naive.status_code == 400
    assert naive.get_json()["error"]["code"] == "bad_request"
    backwards = client.post(
        url, json={**body, "ends_at": "2026-12-01T08:00:00+08:00"}, headers=auth
    )
    assert backwards.status_code == 422

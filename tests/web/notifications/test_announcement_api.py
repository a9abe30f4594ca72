"""GET /api/v1/announcements with read and acknowledgement fields; read, acknowledge, post."""

from __future__ import annotations

from typing import Any

from tests.factories import OrgUnitFactory, UserFactory


def _people(db: Any) -> dict[str, Any]:
    org = OrgUnitFactory(name="Org")
    branch = OrgUnitFactory(name="Branch", parent=org)
    leader = UserFactory(username="leader", unit=branch)
    branch.leader = leader
    people = {
        "leader": leader,
        "reader": UserFactory(username="reader", unit=branch),
        "outsider": UserFactory(username="outsider", unit=OrgUnitFactory(name="Far", parent=org)),
    }
    db.session.commit()
    return people


def test_post_list_read_acknowledge_and_readers(client, db, login_as) -> None:
    people = _people(db)
    login_as(people["leader"])
    created = client.post(
        "/api/v1/announcements",
        json={"title": "Drill", "body": "*Now*", "units": ["Org/Branch"], "requires_ack": True},
    )
    assert created.status_code == 201, created.get_json()
    notice = created.get_json()
    assert notice["units"] == ["Org/Branch"] and notice["requires_ack"] is True

    login_as(people["reader"])
    listed = client.get("/api/v1/announcements").get_json()
    assert listed["total"] == 1
    item = listed["items"][0]
    assert item["body_html"] == "<p><em>Now</em></p>"
    assert (item["read"], item["acknowledged"]) == (False, False)
    read = client.post(f"/api/v1/announcements/{notice['id']}/read").get_json()
    assert read["read"] is True and read["acknowledged"] is False
    acked = client.post(f"/api/v1/announcements/{notice['id']}/acknowledge").get_json()
    assert acked["acknowledged"] is True and acked["acknowledged_at"].endswith("+00:00")

    login_as(people["outsider"])
    assert client.get("/api/v1/announcements").get_json()["total"] == 0
    missing = client.get(f"/api/v1/announcements/{notice['id']}")
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"

    login_as(people["leader"])
    readers = client.get(f"/api/v1/announcements/{notice['id']}/readers").get_json()
    assert (readers["audience"], readers["read"], readers["acknowledged"]) == (2, 2, 1)
    assert [row["unit"] for row in readers["units"]] == ["Org/Branch"]


def test_bad_input_answers_4xx_with_a_message(client, db, login_as) -> None:
    people = _people(db)
    login_as(people["leader"])
    for body, status in (
        ({}, 400),
        ({"title": "x", "units": "Org"}, 400),
        ({"title": "x", "units": ["No/Such"]}, 422),
        ({"title": "x", "units": ["Org/Far"]}, 422),
        ({"title": "x"}, 422),
        ({"title": "x", "units": ["Org/Branch"], "pinned": "yes"}, 400),
    ):
        response = client.post("/api/v1/announcements", json=body)
        assert response.status_code == status, body
        assert response.get_json()["error"]["message"]
    login_as(people["reader"])
    refused = client.post("/api/v1/announcements", json={"title": "x"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_the_author_changes_and_withdraws_it(client, db, login_as) -> None:
    people = _people(db)
    login_as(people["leader"])
    notice = client.post("/api/v1/announcements", json={"title": "Old", "units": ["Org/Branch"]})
    url = f"/api/v1/announcements/{notice.get_json()['id']}"
    changed = client.patch(url, json={"title": "New", "pinned": True})
    assert changed.status_code == 200, changed.get_json()
    body = changed.get_json()
    assert (body["title"], body["pinned"], body["units"]) == ("New", True, ["Org/Branch"])
    assert client.patch(url, json={"units": []}).status_code == 422  # a leader names units
    login_as(people["reader"])
    assert client.patch(url, json={"title": "Mine"}).status_code == 404
    assert client.delete(url).status_code == 404
    login_as(people["leader"])
    assert client.delete(url).get_json() == {"withdrawn": True}
    login_as(people["reader"])
    assert client.get("/api/v1/announcements").get_json()["total"] == 0

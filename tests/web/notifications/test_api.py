"""GET /api/v1/notifications and POST /api/v1/notifications/<id>/read (DESIGN.md section 6)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient

from lms.accounts.models import User
from lms.notifications import services
from lms.notifications.kinds import Kind


def test_list_and_read_through_the_api(
    client: FlaskClient, db: Any, member: User, make_user: Callable, login_as: Callable
) -> None:
    other = make_user(username="other")
    for number in range(3):
        services.notify(
            [member.id, other.id],
            Kind.POINTS_AWARDED,
            key=f"p:{number}",
            url="/points",
            message=lambda n=number: (f"Points {n}", "<img src=x onerror=alert(1)> **bold**"),
        )
    db.session.commit()
    login_as(member)

    answer = client.get("/api/v1/notifications?per_page=2").get_json()

    assert (answer["total"], answer["unread"], len(answer["items"])) == (3, 3, 2)
    newest = answer["items"][0]
    assert set(newest) >= {"id", "kind", "title", "body_html", "url", "created_at", "read"}
    assert newest["kind"] == "points_awarded" and newest["read"] is False
    assert "<strong>bold</strong>" in newest["body_html"] and "onerror" not in newest["body_html"]
    assert newest["created_at"].endswith("+00:00")

    read = client.post(f"/api/v1/notifications/{newest['id']}/read", json={})
    assert read.status_code == 200 and read.get_json()["read"] is True
    again = client.post(f"/api/v1/notifications/{newest['id']}/read", json={})
    assert again.status_code == 200
    assert client.get("/api/v1/notifications").get_json()["unread"] == 2

    assert client.post("/api/v1/notifications/read-all", json={}).get_json() == {
        "marked": 2,
        "unread": 0,
    }
    assert client.get("/api/v1/notifications").get_json()["unread"] == 0
    for someone_elses in (newest["id"] + 1, 999_999):  # the other member's, then none at all
        missing = client.post(f"/api/v1/notifications/{someone_elses}/read", json={})
        assert missing.status_code == 404
        assert missing.get_json()["error"]["code"] == "not_found"

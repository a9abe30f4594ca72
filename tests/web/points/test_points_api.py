"""The points API: my points with history pages, the leaderboards, errors and OpenAPI."""

from __future__ import annotations

from typing import Any

from lms.points import services
from tests.factories import OrgUnitFactory


def test_me_answers_totals_and_paged_history(
    client: Any, db: Any, member: Any, admin: Any, login_as: Any, clock: Any
) -> None:
    for n in range(3):
        services.award(
            member, "lesson_completed", source_type="course_item", source_id=n, reason=f"L{n}"
        )
    services.adjust(member, -1, "Correction", by=admin)
    db.session.commit()
    login_as(member)
    data = client.get("/api/v1/points/me?per_page=2&page=1").get_json()
    assert (data["total"], data["week"], data["month"], data["total_items"]) == (6, 6, 6, 5)
    assert len(data["items"]) == 2
    first = data["items"][0]
    assert set(first) >= {
        "rule",
        "rule_label",
        "points",
        "reason",
        "source_type",
        "source_id",
        "awarded_on",
    }


def test_leaderboard_people_and_units(
    client: Any, db: Any, make_user: Any, admin: Any, login_as: Any, clock: Any
) -> None:
    root = OrgUnitFactory(name="Org")
    branch = OrgUnitFactory(name="East", parent=root)
    ann = make_user(display_name="Ann", unit=branch)
    bob = make_user(display_name="Bob", unit=branch)
    services.adjust(ann, 10, "r", by=admin)  # Bob earns 1 more: his login
    services.adjust(bob, 9, "r", by=admin)
    db.session.commit()
    login_as(bob)
    people = client.get("/api/v1/points/leaderboard?period=week&scope=people").get_json()
    assert people["period"] == "week" and people["scope"] == "people"
    assert [(e["rank"], e["points"]) for e in people["entries"]][:2] == [(1, 10), (1, 10)]
    assert people["me"]["rank"] == 1 and people["me"]["unit"] == "Org/East"
    units = client.get("/api/v1/points/leaderboard?scope=units&period=all").get_json()
    assert units["metric"] == "average_per_member"
    assert units["entries"][0]["name"] == "East" and units["me"]["members"] == 2


def test_bad_arguments_are_4xx_json(client: Any, db: Any, member: Any, login_as: Any) -> None:
    login_as(member)
    response = client.get("/api/v1/points/leaderboard?period=year")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_request"
    assert client.get("/api/v1/points/leaderboard?scope=x").status_code == 400


def test_guests_are_refused(client: Any, db: Any) -> None:
    response = client.get("/api/v1/points/me")
    assert response.status_code == 401 and "error" in response.get_json()


def test_documented_with_the_points_tag(client: Any, db: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/points/me", "/api/v1/points/leaderboard"):
        assert paths[path]["get"]["tags"] == ["points"]

"""The competitions JSON API (DESIGN.md section 6): create, list, detail, register, boards."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from competitions.models import Competition
from competitions.services import leaderboards, registration
from tests.unit.competitions.helpers import auto_quiz, person, running, take, tree


@pytest.fixture(autouse=True)
def _no_cached_boards():
    leaderboards.clear_cache()
    yield
    leaderboards.clear_cache()


def _error(response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return body["error"]


def _payload(clock, quiz_ids: list[int], **extra: Any) -> dict[str, Any]:
    return {
        "title": "Fire safety cup",
        "quiz_ids": quiz_ids,
        "registration_opens_at": (clock.now - timedelta(hours=1)).isoformat(),
        "starts_at": clock.now.isoformat(),
        "ends_at": (clock.now + timedelta(hours=2)).isoformat(),
        "unit_metric": "participation",
        "min_participants": 2,
        "freeze_minutes": 15,
        **extra,
    }


def test_an_organizer_creates_a_competition(client, db, clock, login_as, organizer):
    units = tree()
    quiz = auto_quiz()
    db.session.commit()
    login_as(organizer)
    response = client.post(
        "/api/v1/competitions",
        json=_payload(clock, [quiz.id], units=["Org/North"], rules="**Be fair**", published=True),
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["stage"] == "running"
    assert "<strong>Be fair</strong>" in body["rules_html"]
    assert body["rounds"] == [{"quiz_id": quiz.id, "title": quiz.title, "position": 0}]
    assert body["units"] == ["Org/North"]
    assert (body["unit_metric"], body["min_participants"], body["freeze_minutes"]) == (
        "participation", 2, 15,
    )  # fmt: skip
    assert body["registered"] is False and body["entry"] is None
    competition = db.session.get(Competition, body["id"])
    assert competition.units == [units["north"]]
    assert quiz.closes_at == competition.ends_at


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"title": ""}, 400, "title"),
        ({"quiz_ids": "1"}, 400, "quiz_ids"),
        ({"quiz_ids": [999]}, 422, "quiz_ids"),
        ({"quiz_ids": []}, 422, "quiz_ids"),
        ({"starts_at": "tomorrow"}, 400, "starts_at"),
        ({"starts_at": "2026-11-24T08:00:00"}, 400, "starts_at"),
        ({"units": ["Nowhere"]}, 422, "units"),
        ({"min_participants": "3"}, 400, "min_participants"),
        ({"unit_metric": "median"}, 422, None),
        ({"published": "yes"}, 400, "published"),
    ],
)
def test_bad_input_is_a_clear_4xx(client, db, clock, login_as, admin, change, status, field):
    quiz = auto_quiz()
    db.session.commit()
    login_as(admin)
    payload = {**_payload(clock, [quiz.id]), **change}
    error = _error(client.post("/api/v1/competitions", json=payload), status)
    if field:
        assert error.get("field", field) == field
    assert db.session.query(Competition).count() == 0


def test_a_body_that_is_not_an_object_is_refused(client, db, login_as, admin):
    login_as(admin)
    _error(client.post("/api/v1/competitions", data="[]", content_type="application/json"), 400)


def test_members_cannot_create_competitions(client, db, clock, login_as, member):
    quiz = auto_quiz()
    db.session.commit()
    login_as(member)
    response = client.post("/api/v1/competitions", json=_payload(clock, [quiz.id]))
    assert response.status_code == 403


def _setting(db, **overrides: Any) -> dict[str, Any]:
    units = tree()
    quiz = auto_quiz()
    competition = running([quiz], units=[units["north"]], **overrides)
    draft = running([auto_quiz(title="Draft")], title="Draft cup")
    draft.is_published = False
    inside, outside = person(units["north_one"]), person(units["south"])
    db.session.commit()
    return {"competition": competition, "quiz": quiz, "draft": draft, "inside": inside,
            "outside": outside}  # fmt: skip


def test_members_list_and_read_only_what_they_may_enter(client, db, clock, login_as, organizer):
    world = _setting(db)
    competition, draft = world["competition"], world["draft"]
    login_as(world["inside"])
    listing = client.get("/api/v1/competitions").get_json()
    assert listing["total"] == 1
    assert [(i["id"], i["stage"], i["registered"]) for i in listing["items"]] == [
        (competition.id, "running", False)
    ]
    detail = client.get(f"/api/v1/competitions/{competition.id}").get_json()
    assert detail["rounds"][0]["quiz_id"] == world["quiz"].id
    assert detail["eligible"] is True
    _error(client.get(f"/api/v1/competitions/{draft.id}"), 404)
    _error(client.get("/api/v1/competitions/9999"), 404)

    login_as(world["outside"])
    assert client.get("/api/v1/competitions").get_json()["total"] == 0
    _error(client.get(f"/api/v1/competitions/{competition.id}"), 404)
    _error(client.post(f"/api/v1/competitions/{competition.id}/register"), 404)
    _error(client.get(f"/api/v1/competitions/{competition.id}/leaderboard"), 404)

    login_as(organizer)
    assert client.get("/api/v1/competitions").get_json()["total"] == 2
    assert client.get(f"/api/v1/competitions/{draft.id}").get_json()["stage"] == "draft"


def test_register_take_part_and_see_the_entry(client, db, clock, login_as):
    world = _setting(db)
    competition, member = world["competition"], world["inside"]
    login_as(member)
    url = f"/api/v1/competitions/{competition.id}"
    first = client.post(f"{url}/register")
    assert first.status_code == 200 and first.get_json()["registered"] is True
    assert client.post(f"{url}/register").get_json() == first.get_json()  # idempotent
    take(member, world["quiz"], right=2, clock=clock, seconds=42)
    db.session.commit()
    detail = client.get(url).get_json()
    assert detail["registered"] is True and detail["participants"] == 1
    assert {k: detail["entry"][k] for k in ("rank", "score", "time_used_seconds")} == {
        "rank": 1, "score": 4.0, "time_used_seconds": 42,
    }  # fmt: skip


def test_registration_outside_its_window_is_a_conflict(client, db, clock, login_as):
    world = _setting(db)
    login_as(world["inside"])
    clock.advance(hours=3)
    error = _error(client.post(f"/api/v1/competitions/{world['competition'].id}/register"), 409)
    assert error["code"] == "registration_closed"


def _field(db, clock, world) -> list:
    competition, quiz = world["competition"], world["quiz"]
    units = world["inside"].unit.parent
    members = [world["inside"], *(person(units, display_name=f"P{i}") for i in range(4))]
    for seconds, member in enumerate(members):
        registration.register(member, competition)
        take(member, quiz, right=2 if seconds < 3 else 1, clock=clock, seconds=seconds + 1)
    db.session.commit()
    return members


def test_the_people_board_with_me_and_neighbours(client, db, clock, login_as):
    world = _setting(db)
    members = _field(db, clock, world)
    login_as(members[3])
    url = f"/api/v1/competitions/{world['competition'].id}/leaderboard"
    body = client.get(f"{url}?limit=2").get_json()
    assert body["frozen"] is False and body["total"] == 5
    assert [e["rank"] for e in body["entries"]] == [1, 2]
    assert set(body["entries"][0]) == {"rank", "name", "unit", "score", "time_used_seconds"}
    assert body["me"]["rank"] == 4 and "neighbours" not in body
    around = client.get(f"{url}?around=me&limit=1").get_json()
    assert [e["rank"] for e in around["neighbours"]] == [2, 3, 4, 5]
    assert around["entries"] == body["entries"][:1]


def test_the_units_board(client, db, clock, login_as):
    world = _setting(db, min_participants=1, unit_metric="total", unit_depth=3)
    _field(db, clock, world)
    login_as(world["inside"])
    body = client.get(
        f"/api/v1/competitions/{world['competition'].id}/leaderboard?scope=units"
    ).get_json()
    assert body["metric"] == "total"
    # the four others sit in Org/North itself, above the ranked level; South is not eligible
    assert [(e["rank"], e["path"], e["participants"], e["eligible"]) for e in body["entries"]] == [
        (1, "Org/North/One", 1, 1)
    ]
    assert "me" not in body


def test_the_frozen_board_through_the_api(client, db, clock, login_as):
    world = _setting(db, freeze_minutes=30)
    competition, quiz = world["competition"], world["quiz"]
    early = person(world["inside"].unit, display_name="Early")
    late = world["inside"]
    for member in (early, late):
        registration.register(member, competition)
    take(early, quiz, right=1)
    clock.advance(minutes=100)
    take(late, quiz, right=2)
    db.session.commit()
    login_as(late)
    url = f"/api/v1/competitions/{competition.id}/leaderboard"
    body = client.get(url).get_json()
    assert body["frozen"] is True
    assert [e["name"] for e in body["entries"]] == ["Early"]
    assert body["me"]["rank"] == 1 and body["me"]["score"] == 4.0
    clock.advance(minutes=30)
    body = client.get(url).get_json()
    assert body["frozen"] is False
    assert [e["name"] for e in body["entries"]] == [late.display_name, "Early"]


@pytest.mark.parametrize("query", ["scope=teams", "limit=0", "limit=500", "limit=x", "around=you"])
def test_bad_leaderboard_parameters_are_400(client, db, login_as, query):
    world = _setting(db)
    login_as(world["inside"])
    _error(client.get(f"/api/v1/competitions/{world['competition'].id}/leaderboard?{query}"), 400)


def test_the_endpoints_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/api/v1/competitions",
        "/api/v1/competitions/{competition_id}",
        "/api/v1/competitions/{competition_id}/register",
        "/api/v1/competitions/{competition_id}/leaderboard",
    ):
        assert path in paths, sorted(paths)
        for operation in paths[path].values():
            assert "competitions" in operation["tags"]

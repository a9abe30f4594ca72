"""The leaderboard API's cheap path: cached competition facts and board bytes, the viewer's row."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import redis
from sqlalchemy import text

from competitions.models import Entry
from competitions.services import (
    authoring,
    integrity,
    leaderboards,
    registration,
    round_facts,
)
from competitions.services.authoring import CompetitionSettings
from tests.conftest import require_service
from tests.unit.competitions.helpers import auto_quiz, person, running, take, tree


@pytest.fixture(autouse=True)
def _no_cached_boards():
    leaderboards.clear_cache()
    yield
    leaderboards.clear_cache()


def _board(db, clock) -> dict[str, Any]:
    units = tree()
    quiz = auto_quiz(max_attempts=2)
    competition = running([quiz], units=[units["north"]])
    first = person(units["north_one"], display_name="First")
    second = person(units["north_two"], display_name="Second")
    for right, member in ((2, first), (1, second)):
        registration.register(member, competition)
        take(member, quiz, right=right, clock=clock, seconds=10)
    onlooker = person(units["north"], display_name="Onlooker")
    db.session.commit()
    return {"competition": competition, "quiz": quiz, "units": units, "first": first,
            "second": second, "onlooker": onlooker}  # fmt: skip


def _url(world: dict[str, Any]) -> str:
    return f"/api/v1/competitions/{world['competition'].id}/leaderboard"


def test_a_warm_request_reads_neither_the_competition_nor_the_entries(
    client, db, clock, login_as, count_queries
):
    world = _board(db, clock)
    login_as(world["first"])
    assert client.get(_url(world)).status_code == 200
    with count_queries() as counter:
        body = client.get(_url(world)).get_json()
    assert body["me"]["name"] == "First"
    touched = " ".join(counter.statements)
    for table in ("FROM competitions", "competition_units", "competition_entries"):
        assert table not in touched, counter.statements


def test_a_session_request_reads_the_version_stamps_with_its_user(
    client, db, clock, login_as, count_queries
):
    world = _board(db, clock)
    login_as(world["first"])
    assert client.get(_url(world)).status_code == 200
    with count_queries() as counter:
        assert client.get(_url(world)).status_code == 200
    assert "cache_stamps" in counter.statements[0]  # the user's statement
    assert not any(s.lstrip().startswith("SELECT cache_stamps") for s in counter.statements)


def test_each_viewer_gets_their_own_row_on_the_same_public_board(client, db, clock, login_as):
    world = _board(db, clock)
    bodies = {}
    for who in ("first", "second", "onlooker"):
        login_as(world[who])
        bodies[who] = client.get(_url(world)).get_json()
    assert bodies["first"]["me"] == {
        "rank": 1, "name": "First", "unit": "One", "score": 4.0, "time_used_seconds": 10,
    }  # fmt: skip
    assert bodies["second"]["me"]["name"] == "Second" and bodies["second"]["me"]["rank"] == 2
    assert bodies["second"]["me"]["unit"] == "Two"
    assert bodies["onlooker"]["me"] is None
    public = [{k: v for k, v in b.items() if k != "me"} for b in bodies.values()]
    assert public[0] == public[1] == public[2]
    assert [e["name"] for e in public[0]["entries"]] == ["First", "Second"]


def test_a_disqualified_viewer_leaves_the_board_and_loses_their_row(client, db, clock, login_as):
    world = _board(db, clock)
    login_as(world["first"])
    assert client.get(_url(world)).get_json()["me"]["rank"] == 1
    entry = db.session.scalar(db.select(Entry).where(Entry.user_id == world["first"].id))
    integrity.disqualify(entry, "Shared answers", by=None)
    db.session.commit()
    body = client.get(_url(world)).get_json()
    assert body["me"] is None
    assert [e["name"] for e in body["entries"]] == ["Second"]


def test_under_constant_change_the_public_board_may_lag_by_max_age_but_me_never_does(
    app, client, db, clock, login_as, monkeypatch
):
    world = _board(db, clock)
    app.config["LEADERBOARD_API_MAX_AGE_SECONDS"] = 1.0
    now = [1000.0]
    monkeypatch.setattr(leaderboards.time, "monotonic", lambda: now[0])
    login_as(world["second"])
    before = client.get(_url(world)).get_json()
    assert [e["name"] for e in before["entries"]] == ["First", "Second"]

    take(world["second"], world["quiz"], right=3, clock=clock, seconds=5)  # now ahead
    db.session.commit()
    now[0] += 0.5
    lagging = client.get(_url(world)).get_json()
    assert [e["name"] for e in lagging["entries"]] == ["First", "Second"]  # built 0.5 s ago
    assert lagging["me"]["rank"] == 1  # the viewer's own row is live

    now[0] += 0.6
    fresh = client.get(_url(world)).get_json()
    assert [e["name"] for e in fresh["entries"]] == ["Second", "First"]

    entry = db.session.scalar(db.select(Entry).where(Entry.user_id == world["second"].id))
    integrity.disqualify(entry, "Shared answers", by=None)  # a change here applies at once
    db.session.commit()
    assert [e["name"] for e in client.get(_url(world)).get_json()["entries"]] == ["First"]


def test_the_row_follows_a_viewer_who_moved_to_another_unit(client, db, clock, login_as):
    world = _board(db, clock)
    member = world["second"]
    login_as(member)
    assert client.get(_url(world)).get_json()["me"]["unit"] == "Two"
    member.unit = world["units"]["north_one"]
    db.session.commit()
    assert client.get(_url(world)).get_json()["me"]["unit"] == "Two"  # the entry's unit
    take(member, world["quiz"], right=2, clock=clock, seconds=1)  # a new attempt, same round
    db.session.commit()
    assert client.get(_url(world)).get_json()["me"]["unit"] == "One"


def _settings(competition, **changes: Any) -> CompetitionSettings:
    values: dict[str, Any] = {
        "title": competition.title,
        "registration_opens_at": competition.registration_opens_at,
        "starts_at": competition.starts_at,
        "ends_at": competition.ends_at,
        "min_participants": competition.min_participants,
        "units": list(competition.units),
    }
    return CompetitionSettings(**{**values, **changes})


def test_edits_in_this_process_apply_at_once(client, db, clock, login_as):
    world = _board(db, clock)
    competition = world["competition"]
    login_as(world["first"])
    assert client.get(_url(world)).status_code == 200
    authoring.update_competition(
        competition, _settings(competition, units=[world["units"]["south"]])
    )
    db.session.commit()
    assert client.get(_url(world)).status_code == 404
    authoring.update_competition(competition, _settings(competition, units=[]))
    db.session.commit()
    assert client.get(_url(world)).status_code == 200
    authoring.set_published(competition, False)
    db.session.commit()
    assert client.get(_url(world)).status_code == 404


def test_an_edit_by_another_worker_applies_with_its_version_stamp(client, db, clock, login_as):
    world = _board(db, clock)
    login_as(world["first"])
    assert client.get(_url(world)).status_code == 200
    with db.engine.begin() as connection:  # as another process would: no session events here
        connection.execute(
            text("UPDATE competitions SET is_published = :no WHERE id = :id"),
            {"no": False, "id": world["competition"].id},
        )
    db.session.commit()  # a request of its own would read the row afresh
    assert client.get(_url(world)).status_code == 200  # behind the app's back: not seen
    with db.engine.begin() as connection:  # what the other worker's flush adds to its change
        connection.execute(
            text("UPDATE cache_stamps SET version = version + 1 WHERE name = :name"),
            {"name": round_facts.TOPIC},
        )
    db.session.commit()
    assert client.get(_url(world)).status_code == 404


def test_a_poll_that_changed_nothing_is_304(client, db, clock, login_as):
    world = _board(db, clock)
    login_as(world["second"])
    first = client.get(_url(world))
    assert first.headers["Cache-Control"] in ("private, no-cache", "no-cache, private")
    tag = first.headers["ETag"]
    again = client.get(_url(world), headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    login_as(world["first"])  # the same public board, another viewer's row
    assert client.get(_url(world), headers={"If-None-Match": tag}).status_code == 200
    login_as(world["second"])
    take(world["second"], world["quiz"], right=2, clock=clock, seconds=1)
    db.session.commit()
    changed = client.get(_url(world), headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.get_json()["me"]["rank"] == 1


@pytest.mark.redis
def test_frozen_public_board_and_live_row_with_boards_in_redis(app, client, db, clock, login_as):
    url = require_service("LMS_TEST_REDIS_URL", "the Redis tests")
    prefix = f"test-leaderboard-api:{uuid.uuid4().hex}:"
    saved = {key: app.config.get(key) for key in ("REDIS_URL", "RANKING_PREFIX")}
    app.config.update(REDIS_URL=url, RANKING_PREFIX=prefix)
    try:
        units = tree()
        quiz = auto_quiz()
        competition = running([quiz], freeze_minutes=30)
        early = person(units["north_one"], display_name="Early")
        late = person(units["north_two"], display_name="Late")
        for member in (early, late):
            registration.register(member, competition)
        take(early, quiz, right=1)
        db.session.commit()
        login_as(late)
        address = f"/api/v1/competitions/{competition.id}/leaderboard"
        assert client.get(address).get_json()["me"] is None
        clock.advance(minutes=100)
        take(late, quiz, right=2, clock=clock, seconds=3)
        db.session.commit()
        body = client.get(address).get_json()
        assert body["frozen"] is True and [e["name"] for e in body["entries"]] == ["Early"]
        assert body["me"] == {
            "rank": 1, "name": "Late", "unit": "Two", "score": 4.0, "time_used_seconds": 3,
        }  # fmt: skip
        login_as(early)
        assert client.get(address).get_json()["me"]["rank"] == 2  # live, while the board is not
    finally:
        app.config.update(saved)
        server = redis.Redis.from_url(url)
        for key in server.scan_iter(f"{prefix}*"):
            server.delete(key)

"""One truth across servers: what server A changes, server B honours at once.

Server B is ``second_server``, another app on the same database with its own per-process
memories; server A makes its change in another process (``in_another_process``, a fork), so
nothing it forgets in its own memories reaches B's. Each test first warms B's memories (round
facts, competition facts, cached boards), then changes the fact on A, then acts on B straight
away: no memory may answer with the old fact. The test's session sets things up and is closed
between steps (on SQLite an open transaction holds the write lock), so tests keep ids.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from competitions.models import Competition
from competitions.services import authoring, by_hand, registration, standings
from competitions.services.standings import people_key, public_key
from lms.accounts.models import OrgUnit, User
from lms.accounts.services import org_units, users
from lms.core.ranking import get_ranking
from tests.quiz_factories import right_answer
from tests.unit.competitions.helpers import auto_quiz, person, running, take
from tests.web.competitions.test_leaderboard_api import _board as scored_board
from tests.web.competitions.test_leaderboard_api import _settings as settings_of


def _client_of(server: Flask, user: User) -> FlaskClient:
    client = server.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def _start(client: FlaskClient, quiz_id: int) -> dict[str, Any]:
    started = client.post(f"/api/v1/quizzes/{quiz_id}/attempts")
    assert started.status_code == 201, started.get_json()
    attempt = started.get_json()
    for sequence, item in enumerate(attempt["items"], start=1):
        saved = client.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{item['slot']}",
            json={"answer": right_answer(item), "sequence": sequence},
        )
        assert saved.status_code == 200, saved.get_json()
    return attempt


def _submit(client: FlaskClient, attempt: dict[str, Any]) -> None:
    submitted = client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert submitted.status_code == 200, submitted.get_json()


def _board(client: FlaskClient, competition_id: int) -> Any:
    return client.get(f"/api/v1/competitions/{competition_id}/leaderboard")


def _done(db: Any, *instances: Any) -> list[int]:
    """Commit on A, end its transaction and keep the instances' ids."""
    db.session.commit()
    ids = [instance.id for instance in instances]
    db.session.close()
    return ids


def _ranked(competition_id: int, public: bool) -> set[int]:
    board = public_key(competition_id) if public else people_key(competition_id)
    return {ranked.member_id for ranked in get_ranking().top(board, 10)}


def _names(body: dict[str, Any]) -> list[str]:
    return [entry["name"] for entry in body["entries"]]


def test_a_freeze_switched_on_at_a_is_honoured_by_b_at_once(db, second_server, in_another_process):
    quiz = auto_quiz(max_attempts=2)
    competition = running([quiz])
    early, late = person(display_name="Early"), person(display_name="Late")
    for member in (early, late):
        registration.register(member, competition)
    on_b_early, on_b_late = _client_of(second_server, early), _client_of(second_server, late)
    competition_id, quiz_id, early_id, late_id = _done(db, competition, quiz, early, late)
    _submit(on_b_early, _start(on_b_early, quiz_id))
    assert _names(_board(on_b_early, competition_id).get_json()) == ["Early"]  # B remembers
    attempt = _start(on_b_late, quiz_id)  # B knows the round's facts: not frozen

    in_another_process(
        lambda: by_hand.freeze_board(db.session.get(Competition, competition_id), None)
    )
    _submit(on_b_late, attempt)  # through B, straight after

    body = _board(on_b_early, competition_id).get_json()
    assert body["frozen"] is True
    assert _names(body) == ["Early"]  # Late scored after the freeze: not on the public board
    assert _ranked(competition_id, public=True) == {early_id}
    assert _ranked(competition_id, public=False) == {early_id, late_id}


def test_an_unpublish_at_a_is_refused_by_b_at_once(db, second_server, in_another_process):
    quiz = auto_quiz(max_attempts=3)
    competition = running([quiz])
    member = person(display_name="Member")
    registration.register(member, competition)
    on_b = _client_of(second_server, member)
    competition_id, quiz_id = _done(db, competition, quiz)
    _submit(on_b, _start(on_b, quiz_id))  # B remembers the round and the competition
    assert _board(on_b, competition_id).status_code == 200

    in_another_process(
        lambda: authoring.set_published(db.session.get(Competition, competition_id), False)
    )

    refused = on_b.post(f"/api/v1/quizzes/{quiz_id}/attempts")
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "competition_not_running"
    assert _board(on_b, competition_id).status_code == 404  # B shows no draft
    assert on_b.get("/api/v1/competitions").get_json()["total"] == 0


def test_a_rename_at_a_shows_on_b_cached_boards_at_once(
    db, clock, second_server, in_another_process
):
    world = scored_board(db, clock)  # First (North/One) above Second (North/Two)
    units = world["units"]
    on_b = _client_of(second_server, world["first"])
    competition_id, second_id, one_id, north_id = _done(
        db, world["competition"], world["second"], units["north_one"], units["north"]
    )
    second_server.config["LEADERBOARD_API_MAX_AGE_SECONDS"] = 60.0  # B serves what it built
    body = _board(on_b, competition_id).get_json()
    assert (_names(body), body["me"]["unit"]) == (["First", "Second"], "One")
    live_url = f"/competitions/{competition_id}/live/board.json"
    assert _names(on_b.get(live_url).get_json()["people"]) == ["First", "Second"]

    in_another_process(
        lambda: users.update_profile(
            db.session.get(User, second_id), display_name="Renamed", language=None
        )
    )
    assert _names(_board(on_b, competition_id).get_json()) == ["First", "Renamed"]
    assert _names(on_b.get(live_url).get_json()["people"]) == ["First", "Renamed"]  # live page

    def rename_unit() -> None:
        north = db.session.get(OrgUnit, north_id)
        one = db.session.get(OrgUnit, one_id)
        org_units.update_unit(one, name="Uno", parent=north, leader=None)

    in_another_process(rename_unit)
    body = _board(on_b, competition_id).get_json()
    assert body["me"]["unit"] == "Uno"
    assert [entry["unit"] for entry in body["entries"]] == ["Uno", "Two"]


def _edit(db: Any, competition_id: int, **changes: Any) -> None:
    """An organizer's edit of the competition's settings."""
    competition = db.session.get(Competition, competition_id)
    authoring.update_competition(competition, settings_of(competition, **changes))


def test_a_freeze_set_after_its_start_rebuilds_the_public_board(
    db, clock, second_server, in_another_process
):
    quiz = auto_quiz()
    competition = running([quiz])  # two hours from now
    early, late = person(display_name="Early"), person(display_name="Late")
    for member in (early, late):
        registration.register(member, competition)
    take(early, quiz, right=1, clock=clock, seconds=10)
    clock.advance(minutes=60)
    take(late, quiz, right=2, clock=clock, seconds=10)
    on_b = _client_of(second_server, early)
    competition_id, early_id, late_id = _done(db, competition, early, late)
    assert _names(_board(on_b, competition_id).get_json()) == ["Late", "Early"]

    # A freeze of the last 90 minutes began 30 minutes in: Late's score came after it.
    in_another_process(lambda: _edit(db, competition_id, freeze_minutes=90))
    body = _board(on_b, competition_id).get_json()
    assert (body["frozen"], _names(body)) == (True, ["Early"])
    assert _ranked(competition_id, public=False) == {early_id, late_id}

    in_another_process(lambda: _edit(db, competition_id, freeze_minutes=0))
    body = _board(on_b, competition_id).get_json()
    assert (body["frozen"], _names(body)) == (False, ["Late", "Early"])


def test_moving_the_end_moves_the_freeze_and_rebuilds_the_board(db, clock):
    quiz = auto_quiz()
    competition = running([quiz], freeze_minutes=30)  # frozen from 90 minutes in
    member = person(display_name="Member")
    registration.register(member, competition)
    clock.advance(minutes=50)
    take(member, quiz, right=2, clock=clock, seconds=10)
    ends_at = competition.ends_at - timedelta(minutes=60)  # the freeze began 30 minutes in
    competition_id, member_id = _done(db, competition, member)
    assert _ranked(competition_id, public=True) == {member_id}

    _edit(db, competition_id, ends_at=ends_at, freeze_minutes=30)  # on one server
    _done(db)
    assert _ranked(competition_id, public=True) == set()
    assert _ranked(competition_id, public=False) == {member_id}


def test_a_freeze_moved_within_the_future_rebuilds_nothing(db, clock, monkeypatch):
    competition = running([auto_quiz()], freeze_minutes=30)  # frozen from 90 minutes in
    db.session.commit()
    rebuilt: list[int] = []
    monkeypatch.setattr(standings, "rebuild", lambda c: rebuilt.append(c.id))
    _edit(db, competition.id, freeze_minutes=20)
    assert rebuilt == []  # both boards are the live one until either freeze begins
    clock.advance(minutes=105)  # the 20-minute freeze began at 100
    _edit(db, competition.id, freeze_minutes=10)
    assert rebuilt == [competition.id]  # the freeze had begun: the public board moves

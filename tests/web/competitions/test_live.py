"""Live leaderboards: the member page, board.json with ETags, the event stream, the big screen."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import redis
from flask import Flask

from competitions.models import Competition
from competitions.services import authoring, registration
from lms.accounts.models import User
from quizzes.services import answers, attempts
from tests.conftest import require_service
from tests.factories import OrgUnitFactory, UserFactory
from tests.web.competitions.test_member_pages import make_competition

EN = {"Accept-Language": "en"}


def running(now: Any, **options: Any) -> Competition:
    competition = make_competition(
        now, opens_in=timedelta(hours=-3), starts_in=timedelta(hours=-1), **options
    )
    authoring.new_display_token(competition)
    return competition


def take_part(user: User, competition: Competition, *, right: bool = True) -> None:
    registration.register(user, competition)
    attempt = attempts.start(user, competition.rounds[0].quiz)
    answers.save_answer(attempt, 1, right, 1)
    attempts.submit(attempt)


def events(response: Any) -> Iterator[tuple[str, str]]:
    """(event name, data) of a streaming text/event-stream response, as they arrive."""
    buffer = ""
    for chunk in response.response:
        buffer += chunk.decode() if isinstance(chunk, bytes) else chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            name, data = "message", ""
            for line in block.split("\n"):
                if line.startswith(":"):
                    name, data = "comment", line[1:].strip()
                elif line.startswith("event: "):
                    name = line[len("event: ") :]
                elif line.startswith("data: "):
                    data = line[len("data: ") :]
                elif line.startswith("retry: "):
                    name, data = "retry", line[len("retry: ") :]
            yield name, data


def boards(response: Any) -> Iterator[dict[str, Any]]:
    return (json.loads(data) for name, data in events(response) if name == "board")


@pytest.fixture
def short_streams(app: Flask) -> Iterator[None]:
    saved = {key: app.config.get(key) for key in ("LIVE_STREAM_SECONDS", "PUBSUB_POLL_SECONDS")}
    app.config.update(LIVE_STREAM_SECONDS=3, PUBSUB_POLL_SECONDS=0.05)
    yield
    for key, value in saved.items():
        if value is None:
            app.config.pop(key, None)
        else:
            app.config[key] = value


def test_member_page_shows_top_my_rank_and_units(client, db, login_as, clock):
    branch = OrgUnitFactory(name="North", parent=OrgUnitFactory(name="HQ"))
    competition = running(clock.now, quiz_title="Live round")
    ann, bob = UserFactory(display_name="Ann", unit=branch), UserFactory(display_name="Bob")
    take_part(ann, competition)
    take_part(bob, competition, right=False)
    db.session.commit()
    login_as(bob)

    page = client.get(f"/competitions/{competition.id}/live", headers=EN)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Ann" in html and "Bob" in html
    assert 'data-testid="my-rank"' in html and 'class="is-me"' in html
    assert "North" in html  # the unit board
    assert "/live/board.json" in html
    assert "<script>" not in html  # the CSP allows only script files


def test_members_outside_the_units_and_drafts_are_not_shown(client, db, login_as, clock):
    south = running(clock.now, units=[OrgUnitFactory(name="South")])
    draft = make_competition(clock.now, published=False)
    login_as(UserFactory(unit=OrgUnitFactory(name="North")))
    db.session.commit()

    for competition in (south, draft):
        for path in ("live", "live/board.json", "live/stream"):
            assert client.get(f"/competitions/{competition.id}/{path}").status_code == 404
    assert client.get("/competitions/999999/live").status_code == 404


def test_board_json_answers_304_until_the_board_changes(client, db, login_as, clock):
    competition = running(clock.now)
    ann, bob = UserFactory(display_name="Ann"), UserFactory(display_name="Bob")
    take_part(ann, competition)
    db.session.commit()
    login_as(bob)
    url = f"/competitions/{competition.id}/live/board.json"

    first = client.get(url)
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    take_part(bob, competition, right=False)
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})

    assert first.status_code == 200 and "private" in first.headers["Cache-Control"]
    body = first.get_json()
    assert [row["name"] for row in body["people"]["entries"]] == ["Ann"]
    assert body["mine"]["me"] is None and body["meta"]["stage"] == "running"
    assert again.status_code == 304 and not again.data
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["mine"]["me"]["name"] == "Bob"
    assert [row["name"] for row in changed.get_json()["people"]["entries"]] == ["Ann", "Bob"]


def test_the_stream_sends_the_board_at_once_then_ends(client, db, login_as, clock, short_streams):
    competition = running(clock.now)
    ann = UserFactory(display_name="Ann")
    take_part(ann, competition)
    db.session.commit()
    login_as(ann)

    response = client.get(f"/competitions/{competition.id}/live/stream", buffered=False)
    received = list(events(response))
    response.close()

    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["X-Accel-Buffering"] == "no"
    assert received[0] == ("retry", "2000")
    board = json.loads(received[1][1])
    assert received[1][0] == "board"
    assert board["people"]["entries"][0]["name"] == "Ann"
    assert board["mine"]["me"]["rank"] == 1
    # Nothing changed during the stream's 3 s life, so no second board was sent.
    assert [name for name, _data in received].count("board") == 1


def _an_update_arrives_after_a_submission(client, db, clock) -> None:
    competition = running(clock.now)
    ann, bob = UserFactory(display_name="Ann"), UserFactory(display_name="Bob")
    take_part(ann, competition)
    db.session.commit()

    response = client.get(f"/display/{competition.display_token}/stream", buffered=False)
    stream = boards(response)
    before = next(stream)
    take_part(bob, competition)  # another worker's request, as far as the stream can tell
    db.session.commit()
    after = next(stream)
    response.close()

    assert [row["name"] for row in before["people"]["entries"]] == ["Ann"]
    assert {row["name"] for row in after["people"]["entries"]} == {"Ann", "Bob"}


def test_an_update_reaches_the_stream_after_a_submission(client, db, clock, short_streams):
    _an_update_arrives_after_a_submission(client, db, clock)


@pytest.fixture
def with_redis(app: Flask) -> Iterator[None]:
    url = require_service("LMS_TEST_REDIS_URL", "the live stream through Redis pub/sub")
    prefix = f"lms-test-live-{uuid.uuid4().hex}:"
    saved = {key: app.config.get(key) for key in ("REDIS_URL", "RANKING_PREFIX", "PUBSUB_PREFIX")}
    app.config.update(REDIS_URL=url, RANKING_PREFIX=prefix, PUBSUB_PREFIX=prefix)
    yield
    app.config.update(saved)
    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)


def test_redis_pubsub_wakes_the_stream_after_a_submission(
    app, client, db, clock, short_streams, with_redis
):
    app.config["PUBSUB_POLL_SECONDS"] = 30  # only a published message can wake it in time
    _an_update_arrives_after_a_submission(client, db, clock)


def test_the_big_screen_is_public_and_shows_no_user(client, db, login_as, clock):
    competition = running(clock.now, title="Finals")
    take_part(UserFactory(display_name="Ann"), competition)
    viewer = UserFactory(display_name="Viewer Person")
    db.session.commit()
    token = competition.display_token

    anonymous = client.get(f"/display/{token}", headers=EN)
    board = client.get(f"/display/{token}/board.json")
    login_as(viewer)
    logged_in = client.get(f"/display/{token}", headers=EN)
    board_logged_in = client.get(f"/display/{token}/board.json")

    assert anonymous.status_code == 200
    html = anonymous.get_data(as_text=True)
    assert "Finals" in html and "Ann" in html and "countdown" in html
    assert "csrf-token" not in html
    assert "Viewer Person" not in logged_in.get_data(as_text=True)
    assert board.get_json() == board_logged_in.get_json()
    assert "mine" not in board.get_json()
    assert board.headers["ETag"] == board_logged_in.headers["ETag"]


def test_a_wrong_or_revoked_display_link_is_404(client, db, clock):
    competition = running(clock.now)
    token = competition.display_token
    db.session.commit()
    assert client.get("/display/not-the-token").status_code == 404

    authoring.revoke_display_token(competition)
    db.session.commit()

    for path in ("", "/board.json", "/stream"):
        assert client.get(f"/display/{token}{path}").status_code == 404


def test_a_new_display_link_replaces_the_old(client, db, clock):
    competition = running(clock.now)
    old = competition.display_token
    new = authoring.new_display_token(competition)
    db.session.commit()

    assert client.get(f"/display/{old}").status_code == 404
    assert client.get(f"/display/{new}").status_code == 200


def test_freeze_keeps_the_public_board_while_my_score_stays_live(client, db, login_as, clock):
    competition = running(clock.now, title="Frozen", length=timedelta(hours=2))
    competition.freeze_minutes = 30
    ann, bob = UserFactory(display_name="Ann"), UserFactory(display_name="Bob")
    take_part(ann, competition)
    db.session.commit()
    clock.advance(minutes=40)  # 20 minutes before the end: frozen
    take_part(bob, competition)
    db.session.commit()
    login_as(bob)

    public = client.get(f"/display/{competition.display_token}/board.json").get_json()
    mine = client.get(f"/competitions/{competition.id}/live/board.json").get_json()
    screen = client.get(f"/display/{competition.display_token}", headers=EN)

    assert public["meta"]["frozen"] is True and public["meta"]["revealed"] is False
    assert [row["name"] for row in public["people"]["entries"]] == ["Ann"]
    assert mine["mine"]["me"]["name"] == "Bob" and mine["mine"]["me"]["score"] > 0
    assert [row["name"] for row in mine["people"]["entries"]] == ["Ann"]
    assert 'data-testid="frozen-banner"' in screen.get_data(as_text=True)
    assert 'data-testid="frozen-banner" hidden' not in screen.get_data(as_text=True)

    clock.advance(minutes=25)  # after the end: revealed
    revealed = client.get(f"/display/{competition.display_token}/board.json").get_json()

    assert revealed["meta"]["frozen"] is False and revealed["meta"]["revealed"] is True
    assert {row["name"] for row in revealed["people"]["entries"]} == {"Ann", "Bob"}

"""Live leaderboards: the member page, the big screen and the board.json they poll with ETags.

No route waits for a change (no event stream): in every configuration, with Redis or not, the
pages poll, so no app thread is ever held by a watcher.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from competitions.models import Competition
from competitions.services import authoring, registration
from lms.accounts.models import User
from quizzes.services import answers, attempts
from tests.factories import OrgUnitFactory, UserFactory
from tests.unit.competitions.test_redis_standings import redis_boards  # noqa: F401 (a fixture)
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
        for path in ("live", "live/board.json"):
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


def _pages_poll_and_nothing_streams(client, db, login_as, clock) -> None:
    competition = running(clock.now)
    ann = UserFactory(display_name="Ann")
    take_part(ann, competition)
    db.session.commit()
    login_as(ann)
    token = competition.display_token

    member = client.get(f"/competitions/{competition.id}/live").get_data(as_text=True)
    screen = client.get(f"/display/{token}").get_data(as_text=True)

    assert f'data-poll-url="/competitions/{competition.id}/live/board.json"' in member
    assert f'data-poll-url="/display/{token}/board.json"' in screen
    assert "data-stream-url" not in member + screen
    assert client.get(f"/competitions/{competition.id}/live/stream").status_code == 404
    assert client.get(f"/display/{token}/stream").status_code == 404


def test_the_pages_poll_and_no_route_streams(client, db, login_as, clock):
    _pages_poll_and_nothing_streams(client, db, login_as, clock)


@pytest.mark.usefixtures("redis_boards")
def test_with_redis_the_pages_poll_too(client, db, login_as, clock):
    _pages_poll_and_nothing_streams(client, db, login_as, clock)


def _the_big_screen_board_changes_after_a_submission(client, db, clock) -> None:
    competition = running(clock.now)
    ann, bob = UserFactory(display_name="Ann"), UserFactory(display_name="Bob")
    take_part(ann, competition)
    db.session.commit()
    url = f"/display/{competition.display_token}/board.json"

    before = client.get(url)
    etag = before.headers["ETag"]
    unchanged = client.get(url, headers={"If-None-Match": etag})
    take_part(bob, competition)  # another worker's request, as far as the poll can tell
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": etag})

    assert before.status_code == 200 and "private" not in before.headers["Cache-Control"]
    assert "no-cache" in before.headers["Cache-Control"]
    assert [row["name"] for row in before.get_json()["people"]["entries"]] == ["Ann"]
    assert unchanged.status_code == 304 and not unchanged.data
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert {row["name"] for row in after.get_json()["people"]["entries"]} == {"Ann", "Bob"}


def test_the_big_screen_board_changes_after_a_submission(client, db, clock):
    _the_big_screen_board_changes_after_a_submission(client, db, clock)


@pytest.mark.usefixtures("redis_boards")
def test_with_redis_the_big_screen_board_changes_after_a_submission(client, db, clock):
    _the_big_screen_board_changes_after_a_submission(client, db, clock)


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

    for path in ("", "/board.json"):
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

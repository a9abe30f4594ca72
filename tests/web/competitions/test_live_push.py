"""The live board and the big screen on the push tier: who may subscribe (Nchan asks
``/push/auth``), and what is published after the standings change."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from competitions.models import Competition
from competitions.services import authoring, by_hand
from tests.factories import OrgUnitFactory, UserFactory
from tests.push_tier import record_publishes
from tests.web.competitions.test_live import running, take_part
from tests.web.competitions.test_member_pages import make_competition

URL = "http://push.test/push/pub"


def _auth(client: Any, channel: str) -> int:
    return client.get("/push/auth", headers={"X-Original-URI": f"/push/sub/{channel}"}).status_code


def test_who_may_subscribe_to_a_competition_board(client, db, login_as, clock):
    north, south = OrgUnitFactory(name="North"), OrgUnitFactory(name="South")
    competition = running(clock.now, units=[north])
    draft = make_competition(clock.now, published=False)
    eligible, outsider = UserFactory(unit=north), UserFactory(unit=south)
    organizer = UserFactory(role="organizer", unit=south)
    db.session.commit()
    channel, draft_channel = f"competition-{competition.id}", f"competition-{draft.id}"

    assert _auth(client, channel) == 403  # anonymous
    login_as(outsider)
    assert _auth(client, channel) == 403
    login_as(eligible)
    assert _auth(client, channel) == 200
    assert _auth(client, draft_channel) == 403
    assert _auth(client, "competition-99999999") == 403
    assert _auth(client, "competition-1x") == 403
    assert _auth(client, "nosuchkind-1") == 403
    login_as(organizer)
    assert _auth(client, channel) == 200
    assert _auth(client, draft_channel) == 200


def test_the_display_link_is_the_permission_for_the_big_screen(client, db, clock):
    competition = running(clock.now)
    token = competition.display_token
    db.session.commit()

    assert _auth(client, f"display-{token}") == 200  # anonymous: the projector
    assert _auth(client, f"display-{token[:-1]}") == 403
    authoring.revoke_display_token(competition)
    db.session.commit()
    assert _auth(client, f"display-{token}") == 403


def test_a_request_not_about_a_subscription_is_refused(client, db):
    assert client.get("/push/auth").status_code == 400
    assert client.get("/push/auth", headers={"X-Original-URI": "/push/sub/"}).status_code == 400
    assert client.get("/push/auth", headers={"X-Original-URI": "/admin"}).status_code == 400


@pytest.fixture
def sent(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, bytes]]]:
    posts = record_publishes(monkeypatch)
    saved = {key: app.config.get(key) for key in ("PUSH_PUBLISH_URL", "PUSH_COALESCE_SECONDS")}
    app.config.update(PUSH_PUBLISH_URL=URL, PUSH_COALESCE_SECONDS=0.1)
    yield posts
    app.config.update(saved)


def _wait(sent: list[Any], count: int) -> None:
    deadline = time.monotonic() + 5
    while len(sent) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.15)  # and nothing more comes


def test_a_new_score_is_pushed_to_the_board_and_the_big_screen(db, clock, sent, client, login_as):
    competition = running(clock.now)
    token = competition.display_token
    db.session.commit()
    _wait(sent, 2)
    sent.clear()

    take_part(UserFactory(display_name="Ann"), competition)
    assert sent == []  # nothing before the commit
    db.session.commit()
    _wait(sent, 2)

    assert [url for url, _body in sent] == [
        f"{URL}/competition-{competition.id}",
        f"{URL}/display-{token}",
    ]
    message = json.loads(sent[0][1])
    assert message["version"] > 0
    assert [row["name"] for row in message["people"]["entries"]] == ["Ann"]
    assert message["meta"]["stage"] == "running"
    assert "mine" not in message  # the same for every watcher

    # The page read before that message carries an older version.
    login_as(UserFactory(role="organizer"))
    page = client.get(f"/competitions/{competition.id}/live")
    assert b'data-subscribe-url="/push/sub/competition-' in page.data
    board = client.get(f"/competitions/{competition.id}/live/board.json")
    assert int(board.headers["X-Board-Version"]) > message["version"]


def test_freeze_and_a_revoked_link_reach_the_pages(db, clock, sent):
    competition = running(clock.now)
    old = competition.display_token
    db.session.commit()
    _wait(sent, 2)
    sent.clear()

    by_hand.freeze_board(competition, None)
    db.session.commit()
    _wait(sent, 2)
    assert json.loads(sent[-1][1])["meta"]["frozen"] is True
    sent.clear()

    authoring.revoke_display_token(competition)
    db.session.commit()
    _wait(sent, 2)
    assert (f"{URL}/display-{old}", b'{"gone":true}') in sent
    assert [url for url, _b in sent if "display" in url] == [f"{URL}/display-{old}"]


def test_a_rolled_back_change_publishes_nothing(db, clock, sent):
    competition = running(clock.now)
    db.session.commit()
    _wait(sent, 2)
    sent.clear()
    take_part(UserFactory(), competition)
    db.session.rollback()
    _wait(sent, 1)
    assert sent == []


def test_a_new_competition_starts_its_channel_from_its_own_board(db, clock, sent):
    """Nchan keeps a channel's last message for new subscribers: a competition whose id was
    used before (the newest one deleted) must not greet its watchers with the old board."""
    competition = Competition(
        title="New", registration_opens_at=clock.now, starts_at=clock.now, ends_at=clock.now
    )
    db.session.add(competition)
    db.session.commit()  # one insert, no update after it
    _wait(sent, 1)
    assert [url for url, _body in sent] == [f"{URL}/competition-{competition.id}"]
    assert json.loads(sent[0][1])["people"]["entries"] == []

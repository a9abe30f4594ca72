"""What a push tier gets: the host's changes on ``live-<id>``, the same on the phones' bucket
channels ``live-<id>-p<k>`` (after a close with the score, rank, points and right of the
bucket's players only), joins and answer counts on ``live-<id>-screen``."""

from __future__ import annotations

import pytest

from live.services import answers, joining, messages, sessions, teams
from lms.core import push
from tests.factories import UserFactory
from tests.unit.live.helpers import right, wrong
from tests.unit.live.stage_helpers import make_stage


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict]]:
    published: list[tuple[str, dict]] = []
    monkeypatch.setattr(push, "enabled", lambda: True)
    monkeypatch.setattr(
        push, "publish", lambda channel, message: published.append((channel, message))
    )
    monkeypatch.setattr(push, "publish_each", published.extend)
    # Coalesced messages (the answer counts) are built at once here, not by a timer thread.
    monkeypatch.setattr(push, "publish_coalesced", lambda key, build: published.extend(build()))
    return published


def test_a_new_session_starts_every_channel_from_its_own_state(db, make_session, sent):
    """Nchan keeps each channel's last message for new subscribers; an id handed out again
    must not greet the new session's pages with the old session's state or results."""
    session = make_session()
    by_channel = dict(sent)
    buckets = [f"live-{session.id}-p{k}" for k in range(messages.PLAYER_BUCKETS)]
    assert set(by_channel) == {f"live-{session.id}", f"live-{session.id}-screen", *buckets}
    assert all(
        by_channel[c]["state"] == "lobby" and "results" not in by_channel[c] for c in buckets
    )
    assert by_channel[f"live-{session.id}-screen"] == {
        "kind": "players", "player_count": 0, "players": []
    }  # fmt: skip


def test_messages_carry_what_each_page_needs(db, make_session, sent):
    session = make_session()
    sent.clear()
    main, screen = f"live-{session.id}", f"live-{session.id}-screen"
    good = joining.join(session.pin, user=UserFactory())
    bad = joining.join(session.pin, user=UserFactory())
    assert [c for c, _m in sent] == [screen, screen]
    assert sent[-1][1]["player_count"] == 2
    sent.clear()
    sessions.advance(session)
    phones = sorted({messages.player_channel(session, p.id) for p in (good, bad)})
    assert [c for c, _m in sent] == [main, *phones]
    assert all(m["state"] == "question" and "results" not in m for _c, m in sent)
    question = sessions.current_question(session)
    sent.clear()
    answers.submit(session, good, 0, right(question))
    answers.submit(session, bad, 0, wrong(question))
    assert [(c, m["answered"]) for c, m in sent] == [(screen, 1), (screen, 2)]
    sent.clear()
    sessions.close(session)
    by_channel = dict(sent)
    assert by_channel[main]["state"] == "reveal" and "results" not in by_channel[main]
    good_phones = by_channel[messages.player_channel(session, good.id)]
    bad_phones = by_channel[messages.player_channel(session, bad.id)]
    assert good_phones["state"] == bad_phones["state"] == "reveal"
    assert good_phones["results"] == {str(good.id): [100, 1, 100, 1]}  # its own bucket's only
    assert bad_phones["results"] == {str(bad.id): [0, 2, 0, 0]}
    assert messages.channel(session) == main


def test_moving_a_player_to_another_team_reaches_the_lobby_lists(db, make_session, sent):
    session = make_session(mode="teams", team_names=("Red", "Blue"))
    player = joining.join(session.pin, user=UserFactory(display_name="Ann"))
    blue = next(team for team in session.teams if team.name == "Blue")
    sent.clear()
    teams.move_player(player, blue)
    assert sent == [
        (
            f"live-{session.id}-screen",
            {"kind": "players", "player_count": 1, "players": [
                {"id": player.id, "name": "Ann", "team": "Blue"}
            ]},
        )
    ]  # fmt: skip


def test_a_stage_session_publishes_no_phone_buckets(db, sent):
    """Team phones of a stage session listen on ``live-<id>``: nothing goes to buckets."""
    played = make_stage(db)
    sent.clear()
    messages.changed(played.session)
    assert [c for c, _m in sent] == [f"live-{played.session.id}"]

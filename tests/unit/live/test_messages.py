"""What a push tier gets: the host's changes on ``live-<id>`` (after a close with every
player's score, rank, points and right), joins and answer counts on ``live-<id>-screen``."""

from __future__ import annotations

import pytest

from live.services import answers, messages, sessions
from lms.core import push
from tests.factories import UserFactory
from tests.unit.live.helpers import right, wrong


@pytest.fixture
def sent(monkeypatch) -> list[tuple[str, dict]]:
    published: list[tuple[str, dict]] = []
    monkeypatch.setattr(push, "enabled", lambda: True)
    monkeypatch.setattr(
        push, "publish", lambda channel, message: published.append((channel, message))
    )
    return published


def test_messages_carry_what_each_page_needs(db, make_session, sent):
    session = make_session()
    main, screen = f"live-{session.id}", f"live-{session.id}-screen"
    good = sessions.join(session.pin, user=UserFactory())
    bad = sessions.join(session.pin, user=UserFactory())
    assert [c for c, _m in sent] == [screen, screen]
    assert sent[-1][1]["player_count"] == 2
    sent.clear()
    sessions.advance(session)
    assert [c for c, _m in sent] == [main] and sent[0][1]["state"] == "question"
    assert "results" not in sent[0][1]
    question = sessions.current_question(session)
    sent.clear()
    answers.submit(session, good, 0, right(question))
    answers.submit(session, bad, 0, wrong(question))
    assert [(c, m["answered"]) for c, m in sent] == [(screen, 1), (screen, 2)]
    sent.clear()
    sessions.close(session)
    ((channel, message),) = sent
    assert channel == main and message["state"] == "reveal"
    assert message["results"] == {str(good.id): [100, 1, 100, 1], str(bad.id): [0, 2, 0, 0]}
    assert messages.channel(session) == main

"""Races on real threads through the JSON API (SQLite and PostgreSQL, LMS_TEST_BACKEND): 20
simultaneous buzzes get orders 1..20 once each, the earliest received first; 50 simultaneous
answers of one player store one answer, the rest are refused with 409."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from live.models import LiveAnswer, LiveBuzz, LiveSession, QuestionKind
from live.services import joining, sessions
from live.services.sessions import SessionSettings
from tests.factories import PASSWORD, UserFactory
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.live.helpers import right
from tests.unit.quizzes.test_concurrency import _race

LIVE_TYPES = ("single_choice", "multiple_choice", "true_false")


def _tokens(client: Any, names: list[str]) -> list[dict[str, str]]:
    headers = []
    for name in names:
        issued = client.post("/api/v1/auth/token", json={"username": name, "password": PASSWORD})
        headers.append({"Authorization": f"Bearer {issued.get_json()['token']}"})
    return headers


def _open_session(db: Any, players: int, *, buzzer: bool = False) -> tuple[int, list[str], Any]:
    """A session on its first question with ``players`` members joined; all committed."""
    host = UserFactory(username="racehost", role="organizer")
    session = sessions.create_session(
        host, SessionSettings(), quiz=make_quiz(make_bank(types=LIVE_TYPES))
    )
    names = [f"racer{n}" for n in range(players)]
    for name in names:
        joining.join(session.pin, user=UserFactory(username=name))
    if buzzer:
        session.questions[0].kind = QuestionKind.BUZZER
    sessions.advance(session)
    answer = right(session.questions[0])
    session_id = session.id
    db.session.commit()
    db.session.close()
    return session_id, names, answer


def test_twenty_simultaneous_buzzes_get_orders_one_to_twenty(app, client, db):
    session_id, names, _answer = _open_session(db, 20, buzzer=True)
    session = db.session.get(LiveSession, session_id)
    session.questions[0].buzz_open = True
    db.session.commit()
    db.session.close()
    headers = _tokens(client, names)
    db.session.close()

    results = _race(
        app,
        20,
        lambda c, n: c.post(
            f"/api/v1/live-sessions/{session_id}/buzz", json={"index": 0}, headers=headers[n]
        ),
    )

    assert all(status == 200 for status, _body in results), results
    assert sorted(body["order"] for _status, body in results) == list(range(1, 21))
    buzzes = db.session.scalars(
        select(LiveBuzz).where(LiveBuzz.session_id == session_id).order_by(LiveBuzz.order)
    ).all()
    assert [b.order for b in buzzes] == list(range(1, 21))
    times = [b.received_at for b in buzzes]
    assert times == sorted(times)  # order 1 is the earliest receive time
    assert len({b.player_id for b in buzzes}) == 20


def test_fifty_simultaneous_answers_of_one_player_store_one(app, client, db):
    session_id, names, answer = _open_session(db, 1)
    headers = _tokens(client, names)[0]
    db.session.close()

    results = _race(
        app,
        50,
        lambda c, n: c.post(
            f"/api/v1/live-sessions/{session_id}/answers",
            json={"index": 0, "answer": answer},
            headers=headers,
        ),
    )

    statuses = sorted(status for status, _body in results)
    assert statuses == [200] + [409] * 49, statuses
    refused = [body for status, body in results if status == 409]
    assert {body["error"]["code"] for body in refused} == {"already_answered"}
    stored = db.session.scalars(select(LiveAnswer).where(LiveAnswer.session_id == session_id))
    assert len(stored.all()) == 1

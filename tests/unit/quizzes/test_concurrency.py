"""Races on real threads through the JSON API, on SQLite and PostgreSQL (LMS_TEST_BACKEND):
parallel saves of one slot, parallel starts against an attempt limit, a parallel double submit.

Each thread is its own client: its requests get their own application context, database
session and transaction, as concurrent requests in gunicorn workers would. What the threads
need is committed first, and the main session holds no transaction while they run (SQLite's
write lock would otherwise make them wait).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from quizzes.models import Attempt, AttemptItem, State
from quizzes.signals import attempt_graded
from tests.factories import PASSWORD, UserFactory
from tests.quiz_factories import make_bank, make_quiz


def _race(app: Flask, count: int, request: Callable[[Any, int], Any]) -> list[Any]:
    """Run ``request(client, number)`` on ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def worker(number: int) -> None:
        client = app.test_client()
        try:
            barrier.wait()
            response = request(client, number)
            results[number] = (response.status_code, response.get_json())
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert all(result is not None for result in results)
    return results


@pytest.fixture
def taker(client, db) -> dict[str, str]:
    """Bearer headers of a committed member; the main session is left without a transaction."""
    UserFactory(username="racer")
    db.session.commit()
    issued = client.post("/api/v1/auth/token", json={"username": "racer", "password": PASSWORD})
    return {"Authorization": f"Bearer {issued.get_json()['token']}"}


def _committed_quiz(db, types: tuple[str, ...], **settings: Any) -> int:
    quiz = make_quiz(make_bank(types=types), **settings)
    db.session.commit()
    quiz_id = quiz.id
    db.session.close()
    return quiz_id


def _start(client, db, quiz_id: int, headers: dict[str, str]) -> int:
    response = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=headers)
    assert response.status_code == 201
    db.session.close()
    return response.get_json()["id"]


def test_twenty_parallel_saves_of_one_slot_keep_the_highest_sequence(app, client, db, taker):
    quiz_id = _committed_quiz(db, ("short_answer",))
    attempt_id = _start(client, db, quiz_id, taker)

    def save(thread_client, number: int) -> Any:
        return thread_client.put(
            f"/api/v1/attempts/{attempt_id}/answers/1",
            json={"answer": f"answer {number}", "sequence": number + 1},
            headers=taker,
        )

    results = _race(app, 20, save)

    assert {status for status, _body in results} == {200}
    assert sum(1 for _status, body in results if not body["stale"]) >= 1
    assert all(body["sequence"] <= 20 for _status, body in results)
    rows = db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt_id, AttemptItem.slot == 1)
    ).all()
    assert len(rows) == 1
    assert rows[0].sequence == 20
    assert rows[0].response == "answer 19"  # the value sent with the highest sequence


def test_ten_parallel_starts_with_one_attempt_allowed_make_one_attempt(app, db, taker):
    quiz_id = _committed_quiz(db, ("true_false",), max_attempts=1)

    def start(thread_client, _number: int) -> Any:
        return thread_client.post(f"/api/v1/quizzes/{quiz_id}/attempts", headers=taker)

    results = _race(app, 10, start)

    attempts = db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id)).all()
    assert len(attempts) == 1
    assert len(attempts[0].items) == 1
    statuses = [status for status, _body in results]
    assert set(statuses) <= {200, 201, 409}
    assert 201 in statuses
    for status, body in results:
        if status == 409:
            assert body["error"]["code"] == "no_attempts"
        else:
            assert body["id"] == attempts[0].id


def test_a_parallel_double_submit_grades_once(app, client, db, taker):
    quiz_id = _committed_quiz(db, ("true_false",), review_marks="after_attempt")
    attempt_id = _start(client, db, quiz_id, taker)
    saved = client.put(
        f"/api/v1/attempts/{attempt_id}/answers/1",
        json={"answer": True, "sequence": 1},
        headers=taker,
    )
    assert saved.status_code == 200
    db.session.close()
    graded: list[int] = []
    lock = threading.Lock()

    def record(_sender: Any, attempt: Attempt, **_extra: Any) -> None:
        with lock:
            graded.append(attempt.id)

    attempt_graded.connect(record)
    try:
        results = _race(
            app,
            8,
            lambda c, _n: c.post(f"/api/v1/attempts/{attempt_id}/submit", headers=taker),
        )
    finally:
        attempt_graded.disconnect(record)

    assert graded == [attempt_id]
    assert {status for status, _body in results} == {200}
    bodies = [body for _status, body in results]
    assert {(b["state"], b["finished_by"], b["submitted_at"], b["score"]) for b in bodies} == {
        ("finished", "member", bodies[0]["submitted_at"], 2.0)
    }
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == State.FINISHED and attempt.score == 2.0
    finished = db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.state == State.FINISHED)
    )
    assert finished == 1

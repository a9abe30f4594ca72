"""Saving an answer through the API's hot path (``answers.save_own_answer``): few statements,
every rule kept, and a save racing a submit on real connections (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import event, select, text

from lms.core.sqlite import write_intent
from quizzes.models import Attempt, AttemptItem, State
from quizzes.services import answers, attempts
from tests.factories import PASSWORD, UserFactory
from tests.quiz_factories import make_bank, make_quiz


@pytest.fixture
def taker(client, db) -> dict[str, str]:
    UserFactory(username="saver")
    db.session.commit()
    issued = client.post("/api/v1/auth/token", json={"username": "saver", "password": PASSWORD})
    return {"Authorization": f"Bearer {issued.get_json()['token']}"}


def _attempt(
    client, db, headers: dict[str, str], questions: int = 1, **settings: Any
) -> dict[str, Any]:
    bank = [q for n in range(questions) for q in make_bank(f"Bank {n}", types=("single_choice",))]
    quiz = make_quiz(bank, **settings)
    db.session.commit()
    started = client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=headers)
    assert started.status_code == 201
    db.session.close()
    return started.get_json()


def _versions_then_write_alone(statements: list[str]) -> bool:
    """The versions read (so a token revoked on any server is refused at once), then the
    write: nothing else."""
    return [s.lstrip().split()[0] for s in statements] == ["SELECT", "UPDATE"] and (
        "cache_stamps" in statements[0]
    )


def _put(client, headers, attempt_id: int, answer: Any, sequence: int, slot: int = 1):
    return client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{slot}",
        json={"answer": answer, "sequence": sequence},
        headers=headers,
    )


def test_a_save_in_the_process_that_started_the_attempt_is_the_write_alone(
    client, db, taker, count_queries
):
    attempt = _attempt(client, db, taker)
    option = attempt["items"][0]["options"][0]["id"]
    with count_queries() as counter:
        saved = _put(client, taker, attempt["id"], option, 1)
    assert saved.status_code == 200
    assert saved.get_json() | {"saved_at": None} == {
        "slot": 1,
        "saved_at": None,
        "sequence": 1,
        "stale": False,
        "answer": option,
    }
    assert _versions_then_write_alone(counter.statements), counter.statements


def test_another_process_reads_every_slot_once_then_writes_alone(client, db, taker, count_queries):
    attempt = _attempt(client, db, taker, questions=2)
    answers.forget_slots()  # as a worker that did not serve the start
    first, second = (item["options"][0]["id"] for item in attempt["items"][:2])
    with count_queries() as counter:
        assert _put(client, taker, attempt["id"], first, 1).status_code == 200
    # The versions, the read of all slots and the write; the worker remembers the token.
    assert counter.count == 3, counter.statements
    with count_queries() as counter:
        saved = _put(client, taker, attempt["id"], second, 1, slot=2)
    assert saved.get_json()["answer"] == second
    assert _versions_then_write_alone(counter.statements), counter.statements


def test_a_later_save_of_a_slot_is_the_write_alone_and_every_rule_still_holds(
    client, db, taker, count_queries
):
    attempt = _attempt(client, db, taker)
    first, second = (option["id"] for option in attempt["items"][0]["options"][:2])
    assert _put(client, taker, attempt["id"], first, 1).status_code == 200
    with count_queries() as counter:
        again = _put(client, taker, attempt["id"], second, 2)
    assert again.get_json()["answer"] == second and not again.get_json()["stale"]
    assert _versions_then_write_alone(counter.statements), counter.statements

    assert _put(client, taker, attempt["id"], "not-an-option", 3).status_code == 422
    stale = _put(client, taker, attempt["id"], first, 1).get_json()
    assert (stale["answer"], stale["stale"]) == (second, True)
    client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=taker)
    closed = _put(client, taker, attempt["id"], first, 9)
    assert closed.status_code == 409
    db.session.close()
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt["id"]))
    assert (item.sequence, dict(item.choices["options"])[second]) == (2, item.response)


def test_a_stale_save_reports_the_stored_answer(client, db, taker):
    attempt = _attempt(client, db, taker)
    first, second = (option["id"] for option in attempt["items"][0]["options"][:2])
    newer = _put(client, taker, attempt["id"], first, 5).get_json()
    stale = _put(client, taker, attempt["id"], second, 4).get_json()
    assert stale == {**newer, "stale": True}
    db.session.close()
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt["id"]))
    assert item.sequence == 5 and item.response == dict(item.choices["options"])[first]


def test_an_overdue_save_finishes_the_attempt_as_it_stood(client, db, taker, clock):
    attempt = _attempt(client, db, taker, time_limit_seconds=60, grace_seconds=10)
    option = attempt["items"][0]["options"][0]["id"]
    assert _put(client, taker, attempt["id"], option, 1).status_code == 200
    clock.advance(seconds=71)
    late = _put(client, taker, attempt["id"], None, 2)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "attempt_closed"
    db.session.close()
    stored = db.session.get(Attempt, attempt["id"])
    assert stored.state == State.FINISHED and stored.finished_by == "timeout"
    [first] = [item for item in stored.items if item.slot == 1]
    assert first.sequence == 1 and first.response is not None


def test_the_old_entry_point_keeps_the_loaded_item_in_step(client, db, taker):
    attempt_id = _attempt(client, db, taker)["id"]
    attempt = attempts.load_attempt(attempt_id)
    item = attempt.items[0]
    real = item.choices["options"][1]
    assert answers.save_answer(attempt, 1, real[0], 3).response == real[1]
    stale = answers.save_answer(attempt, 1, item.choices["options"][0][0], 2)
    assert stale is item and item.sequence == 3 and item.response == real[1]
    db.session.commit()


def test_a_save_waiting_for_a_submit_that_finished_the_attempt_writes_nothing(
    app, client, db, taker
):
    """The submit's claim holds the attempt row; the save waits for it (PostgreSQL: on the
    shared lock of its write; SQLite: on the write lock) and is then refused."""
    attempt = _attempt(client, db, taker)
    option = attempt["items"][0]["options"][0]["id"]
    results: list[Any] = []
    with write_intent(), db.engine.connect() as submitter:  # SQLite: BEGIN IMMEDIATE
        submitter.execute(
            text("UPDATE attempts SET state = 'finished', finished_by = 'member' WHERE id = :id"),
            {"id": attempt["id"]},
        )

        def save() -> None:
            with app.app_context():
                response = _put(app.test_client(), taker, attempt["id"], option, 1)
                results.append((response.status_code, response.get_json()))

        thread = threading.Thread(target=save)
        thread.start()
        time.sleep(0.5)
        assert results == []  # still waiting
        submitter.commit()
        thread.join(timeout=30)
    [(status, body)] = results
    assert status == 409 and body["error"]["code"] == "attempt_closed"
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt["id"]))
    assert item.sequence == 0 and item.response is None


def test_an_uncommitted_save_holds_the_attempt_against_a_submit(app, client, db, taker):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's write lock serialises the whole request")
    attempt = _attempt(client, db, taker)
    option = attempt["items"][0]["options"][0]["id"]
    user_id = db.session.scalar(text("SELECT id FROM users WHERE username = 'saver'"))
    saved = answers.save_own_answer(user_id, attempt["id"], 1, option, 1)  # not committed
    assert saved.sequence == 1
    try:
        with db.engine.connect() as submitter:
            submitter.exec_driver_sql("SET lock_timeout = '300ms'")
            with pytest.raises(Exception, match="lock timeout"):
                submitter.execute(
                    text("UPDATE attempts SET state = 'finished' WHERE id = :id"),
                    {"id": attempt["id"]},
                )
            submitter.rollback()
    finally:
        db.session.commit()


def test_a_remembered_save_on_postgresql_runs_alone_in_autocommit(client, db, taker):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("on SQLite the write takes the write lock in the request's transaction")
    attempt = _attempt(client, db, taker)
    option = attempt["items"][0]["options"][0]["id"]
    seen: list[tuple[str, bool]] = []

    def _record(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append((statement.lstrip().split()[0], conn.connection.dbapi_connection.autocommit))

    event.listen(db.engine, "before_cursor_execute", _record)
    try:
        assert _put(client, taker, attempt["id"], option, 1).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", _record)
    # No BEGIN and COMMIT around them: the versions read and the write, each one round trip
    # (the worker remembers token and slot).
    assert seen == [("SELECT", True), ("UPDATE", True)]

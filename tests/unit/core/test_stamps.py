"""Version stamps (``lms.core.stamps``) and the memories kept under them (``lms.core.memo``)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import text

from lms.accounts.models import User
from lms.accounts.services import people_stamp
from lms.core import stamps
from lms.core.clock import utcnow
from lms.core.memo import ProcessMemo
from lms.core.sqlite import set_read_only
from tests.factories import UserFactory

TOPIC = people_stamp.TOPIC


def _committed_version(db: Any) -> int | None:
    """The version another worker sees: read on a connection of its own (on SQLite without
    the write lock, which the test's transaction may hold)."""
    set_read_only(True)
    try:
        with db.engine.connect() as connection:
            return connection.execute(
                text("SELECT version FROM cache_stamps WHERE name = :name"), {"name": TOPIC}
            ).scalar()
    finally:
        set_read_only(False)


def _user(db: Any) -> User:
    """A user; the topic's row exists (a new user bumps nothing: no memory holds it yet)."""
    user = UserFactory(display_name="Before")
    db.session.commit()
    assert _committed_version(db) is None
    people_stamp.bump()
    db.session.commit()
    return user


def test_a_change_bumps_the_version_in_its_transaction_seen_by_others_at_commit(db):
    user = _user(db)
    before = _committed_version(db)
    user.display_name = "After"
    db.session.flush()
    assert stamps.changed_here(TOPIC)
    assert stamps.current(TOPIC) == before + 1  # this transaction sees its own bump
    assert _committed_version(db) == before  # nobody else does yet
    db.session.commit()
    assert not stamps.changed_here(TOPIC)
    assert _committed_version(db) == stamps.current(TOPIC) == before + 1


def test_a_rolled_back_change_leaves_the_version(db):
    user = _user(db)
    before = _committed_version(db)
    user.display_name = "After"
    db.session.flush()
    db.session.rollback()
    assert not stamps.changed_here(TOPIC)
    assert _committed_version(db) == stamps.current(TOPIC) == before


def test_attributes_no_memory_holds_do_not_bump(db):
    user = _user(db)
    before = _committed_version(db)
    user.last_login_at = utcnow()
    db.session.commit()
    assert _committed_version(db) == before


def test_a_bulk_statement_bumps_by_hand(db):
    _user(db)
    before = _committed_version(db)
    stamps.bump(TOPIC)
    db.session.commit()
    assert _committed_version(db) == before + 1


def test_versions_are_read_in_one_statement_once_per_transaction(db, count_queries):
    _user(db)
    with count_queries() as counter:
        people = stamps.current(TOPIC)
        assert stamps.current("never bumped") == 0
        assert stamps.current(TOPIC) == people
    assert counter.count == 1 and "cache_stamps" in counter.statements[0]
    db.session.commit()
    with count_queries() as counter:
        stamps.current(TOPIC)
    assert counter.count == 1


def test_a_memo_answers_while_its_version_stands(db):
    _user(db)
    memo: ProcessMemo[str] = ProcessMemo(keep_none=False, topic=TOPIC)
    loads: list[str] = []

    def load(value: str) -> Any:
        return lambda: loads.append(value) or value

    assert memo.get("key", load("first")) == "first"
    db.session.commit()
    assert memo.get("key", load("second")) == "first"  # remembered, next transaction too
    people_stamp.bump()
    assert memo.get("key", load("third")) == "third"  # changed here: loaded, not kept
    db.session.rollback()
    assert memo.get("key", load("fourth")) == "first"  # the bump rolled back
    people_stamp.bump()
    db.session.commit()
    assert memo.get("key", load("fifth")) == "fifth"  # a new version: loaded again
    assert memo.get("key", load("sixth")) == "fifth"
    assert loads == ["first", "third", "fifth"]


def test_each_server_has_its_own_memory(db, second_server: Flask):
    _user(db)
    memo: ProcessMemo[str] = ProcessMemo(keep_none=False, topic=TOPIC)
    assert memo.get("key", lambda: "here") == "here"
    db.session.commit()
    with second_server.app_context():
        assert memo.get("key", lambda: "there") == "there"
    assert memo.get("key", lambda: "again") == "here"

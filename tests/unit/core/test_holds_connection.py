"""``holds_connection``: whether a session's transaction has reached the database yet (the
answer-save path runs its write alone in autocommit only when nothing else is pending)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached

from lms.accounts.models import User
from lms.core.db import holds_connection
from tests.factories import UserFactory


def test_a_merge_alone_holds_no_connection_and_a_query_does_until_the_commit(db):
    user = UserFactory()
    db.session.flush()
    detached = User(id=user.id, username=user.username, unit_id=user.unit_id)
    db.session.commit()
    db.session.expunge(user)
    session = db.session()
    assert not holds_connection(session)

    make_transient_to_detached(detached)
    db.session.merge(detached, load=False)
    assert session.in_transaction() and not holds_connection(session)

    db.session.scalar(select(User.id).limit(1))
    assert holds_connection(session)
    db.session.commit()
    assert not holds_connection(session)


def test_a_rollback_and_a_savepoint_leave_it_right(db):
    session = db.session()
    db.session.scalar(select(User.id).limit(1))
    with db.session.begin_nested():
        db.session.scalar(select(User.id).limit(1))
    assert holds_connection(session)  # the savepoint ended, the transaction did not
    db.session.rollback()
    assert not holds_connection(session)

"""``store_values``: the hot path's write of known values, by primary key, that leaves nothing
for the ORM's flush to do."""

from __future__ import annotations

from sqlalchemy import select

from lms.accounts.models import User
from lms.core.db import store_values
from tests.factories import UserFactory


def test_the_values_are_stored_in_one_statement_and_nothing_is_left_to_flush(db, count_queries):
    first, second = UserFactory(display_name="one"), UserFactory(display_name="two")
    db.session.commit()
    assert (first.display_name, second.display_name) == ("one", "two")  # loaded, as on the hot path
    with count_queries() as queries:
        store_values(
            db.session,
            [(first, {"display_name": "uno"}), (second, {"display_name": "dos"})],
        )
        db.session.flush()
    assert queries.count == 1  # one UPDATE for both; the flush has nothing to write
    assert not db.session.dirty
    assert (first.display_name, second.display_name) == ("uno", "dos")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.execute(
        select(User.username, User.display_name).where(User.id.in_([first.id, second.id]))
    )
    assert dict(stored.all()) == {first.username: "uno", second.username: "dos"}


def test_one_instance_and_no_change_at_all(db, count_queries):
    user = UserFactory(display_name="one")
    db.session.commit()
    with count_queries() as queries:
        store_values(db.session, [])
    assert queries.count == 0
    store_values(db.session, [(user, {"display_name": "alone"})])
    db.session.rollback()  # the write was in the session's transaction
    assert db.session.get(User, user.id).display_name == "one"

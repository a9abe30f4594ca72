"""Version stamps: how every worker learns at once that a fact it remembers has changed.

A topic (``"competitions"``, ``"people"``) has one row in ``cache_stamps``. Whoever changes a
fact of the topic bumps its version in the same transaction (``after_flush`` of a model given
to :func:`watch`, or :func:`bump` after a bulk statement), so the new version becomes visible
to other workers exactly when the change does. A per-process memory keeps each value with the
version it was loaded under (:func:`current`, read before loading) and uses it only while that
version is current. Every worker reads all versions with one tiny statement, at most once per
request. A transaction that changed a topic (:func:`changed_here`) reads it fresh and
remembers nothing of it: it may still roll back.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import g, has_request_context
from sqlalchemy import BigInteger, Select, String, bindparam, event, inspect, select
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from lms.core.db import built_once, execute_alone
from lms.core.extensions import db

_READ = "lms_stamps"  # {topic: version}, in flask.g for the request, else in session.info
_CHANGED = "lms_stamps_changed"  # in session.info: topics this transaction bumped


class CacheStamp(db.Model):
    """A topic's version; its first value is random, so a table emptied and filled again
    (tests, a restore) never repeats a version a memory still holds."""

    __tablename__ = "cache_stamps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


_READ_ALL = select(CacheStamp.__table__.c.name, CacheStamp.__table__.c.version)


@dataclass(frozen=True)
class _Watch:
    topic: str
    on_insert: bool
    ignore: frozenset[str]


_watched: dict[type, list[_Watch]] = {}


def watch(topic: str, *models: type, on_insert: bool = False, ignore: Iterable[str] = ()) -> None:
    """A flush that updates or deletes an instance of ``models`` (inserts too with
    ``on_insert``) bumps ``topic``; a change of only the ``ignore`` attributes does not."""
    for model in models:
        _watched.setdefault(model, []).append(_Watch(topic, on_insert, frozenset(ignore)))


def current(topic: str, session: Session | None = None) -> int:
    """The topic's version (0: never bumped), read before anything it guards is loaded.

    All versions are read in one statement, once per request (its read and write transactions
    share it; outside a request, once per transaction), and again after this session changes
    one. On PostgreSQL, before a transaction has begun, they are read alone in autocommit
    (``execute_alone``), so a request whose one statement runs alone (a remembered answer's
    save) stays free of BEGIN and COMMIT."""
    target = session if session is not None else db.session()
    read = g.get(_READ) if has_request_context() else target.info.get(_READ)
    if read is None:
        if target.get_bind().dialect.name == "postgresql":
            read = execute_alone(target, _READ_ALL, None, _versions)
        else:  # on the session's connection, without the ORM's per-statement work
            read = _versions(target.connection().execute(_READ_ALL))
        _keep(target, read)
    return read.get(topic, 0)


def _keep(session: Session, versions: dict[str, int]) -> None:
    if has_request_context():
        setattr(g, _READ, versions)
    else:
        session.info[_READ] = versions


def with_versions(statement: Select[Any]) -> Select[Any]:
    """``statement`` with every topic's version as one more column each: a statement every
    request runs anyway (loading the session's user) reads them for free; give its row to
    :func:`keep_versions`."""
    stamps = CacheStamp.__table__
    return statement.add_columns(
        *(
            select(stamps.c.version).where(stamps.c.name == topic).scalar_subquery()
            for topic in _topics_watched()
        )
    )


def keep_versions(row: Sequence[Any]) -> None:
    """Keep, for this request, the versions a :func:`with_versions` statement read: the last
    columns of ``row``."""
    topics = _topics_watched()
    read = row[len(row) - len(topics) :]
    _keep(db.session(), {t: v for t, v in zip(topics, read, strict=True) if v is not None})


def _topics_watched() -> list[str]:
    return sorted({w.topic for watches in _watched.values() for w in watches})


def _forget_read(session: Session) -> None:
    session.info.pop(_READ, None)
    if has_request_context():
        g.pop(_READ, None)


def _versions(result: Any) -> dict[str, int]:
    return {name: version for name, version in result}


def changed_here(topic: str, session: Session | None = None) -> bool:
    """Whether this transaction changed the topic (so nothing of it may be remembered yet)."""
    target = session if session is not None else db.session()
    return topic in target.info.get(_CHANGED, ())


def bump(topic: str, session: Session | None = None) -> None:
    """A new version of ``topic``, in the session's transaction (after a bulk statement the
    flush events do not see)."""
    target = session if session is not None else db.session()
    _bump(target, target.connection(), {topic})


def _bump(session: Session, connection: Any, topics: set[str]) -> None:
    statement = built_once(session, _bumping)
    for topic in sorted(topics):  # one order, so two writers never wait on each other crosswise
        connection.execute(statement, {"name": topic, "start": secrets.randbits(52)})
    session.info.setdefault(_CHANGED, set()).update(topics)
    _forget_read(session)


def _bumping(upsert: Any) -> Any:
    stamps = CacheStamp.__table__
    statement = upsert(stamps).values(name=bindparam("name"), version=bindparam("start"))
    return statement.on_conflict_do_update(
        index_elements=[stamps.c.name], set_={"version": stamps.c.version + 1}
    )


def _changed(instance: Any, ignore: frozenset[str]) -> bool:
    state = inspect(instance)
    return any(
        attribute.key not in ignore and attribute.history.has_changes() for attribute in state.attrs
    )


def _topics(session: Session) -> set[str]:
    topics: set[str] = set()
    for instance in session.new:
        topics.update(w.topic for w in _watched.get(type(instance), ()) if w.on_insert)
    for instance in session.deleted:
        topics.update(w.topic for w in _watched.get(type(instance), ()))
    for instance in session.dirty:
        for w in _watched.get(type(instance), ()):
            if w.topic not in topics and _changed(instance, w.ignore):
                topics.add(w.topic)
    return topics


@event.listens_for(Session, "after_flush")
def _bump_flushed(session: Session, _context: Any) -> None:
    """The flush's state and history are still those it wrote, and its connection is open."""
    if _watched and (topics := _topics(session)):
        _bump(session, session.connection(), topics)


@event.listens_for(Session, "after_transaction_end")
def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that bumped ends: what it read of its own bumps must go, committed (then
    read again) or not (never to be seen)."""
    if transaction.parent is None:
        session.info.pop(_READ, None)
        if session.info.pop(_CHANGED, None):
            _forget_read(session)

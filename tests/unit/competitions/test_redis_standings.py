"""The same standings, freeze and rebuild on the Redis ranking back end (writes land on commit)."""

from __future__ import annotations

import uuid

import pytest
import redis
from sqlalchemy import select

from competitions.models import Entry
from competitions.services import integrity, leaderboards, registration, standings
from competitions.services.standings import people_key, public_key
from lms.core.extensions import db as database
from lms.core.ranking import RedisRanking, get_ranking
from tests.conftest import require_service
from tests.unit.competitions.helpers import auto_quiz, person, running, take

pytestmark = pytest.mark.redis


@pytest.fixture
def redis_boards(app):
    url = require_service("LMS_TEST_REDIS_URL", "the Redis tests")
    prefix = f"test-competitions:{uuid.uuid4().hex}:"
    saved = {key: app.config.get(key) for key in ("REDIS_URL", "RANKING_PREFIX")}
    app.config.update(REDIS_URL=url, RANKING_PREFIX=prefix)
    yield
    app.config.update(saved)
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


def test_standings_freeze_disqualify_and_rebuild_on_redis(db, clock, redis_boards):
    assert isinstance(get_ranking(), RedisRanking)
    quiz = auto_quiz()
    competition = running([quiz], freeze_minutes=30)
    members = [person(display_name=f"P{i}") for i in range(4)]
    for member in members:
        registration.register(member, competition)
    for right, member in zip((2, 1, 1, 0), members, strict=True):
        take(member, quiz, right=right)
    db.session.commit()
    board = leaderboards.people_board(competition, viewer=members[2])
    assert [(r.rank, r.name) for r in board.entries] == [(1, "P0"), (2, "P1"), (2, "P2"), (4, "P3")]

    clock.advance(minutes=95)
    late = person(display_name="Late")
    registration.register(late, competition)
    take(late, quiz, right=2, clock=clock, seconds=1)
    integrity.disqualify(standings_entry(competition, members[1]), "Shared answers", by=None)
    db.session.commit()
    board = leaderboards.people_board(competition, viewer=late)
    assert board.frozen
    assert [r.name for r in board.entries] == ["P0", "P2", "P3"]
    assert board.me.rank == 2

    ranking = get_ranking()
    before = {key: ranking.top(key, 10) for key in (people_key(competition.id),
                                                    public_key(competition.id))}  # fmt: skip
    ranking.replace_all(people_key(competition.id), [])
    db.session.commit()
    standings.rebuild(competition)
    db.session.commit()
    assert {key: ranking.top(key, 10) for key in before} == before


def standings_entry(competition, user) -> Entry:
    return database.session.scalar(
        select(Entry).where(Entry.competition_id == competition.id, Entry.user_id == user.id)
    )

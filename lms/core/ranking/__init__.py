"""Leaderboards: one interface, an SQL back end (default) and a Redis sorted-set back end
(when ``LMS_REDIS_URL`` is set). They hold ids and scores only; both rank the same way:
score descending, then time used ascending, then finishing time ascending, and an exact tie
shares its rank (1, 2, 2, 4); members of a tie are listed by member id.

    ranking = get_ranking()
    ranking.record("competition:7:people", Standing(user.id, 87.5, 312_000, finished_ms))
    db.session.commit()                      # the caller commits, as with any service
    ranking.top("competition:7:people", 50)  # [Ranked(rank=1, member_id=..., ...), ...]

Writes belong to the caller's transaction: SQL rows are flushed, Redis writes wait for the commit
(``lms.core.pubsub.after_commit``) and vanish on rollback, so Redis shows only committed boards,
and a Redis board read in the writing transaction does not show that transaction's writes yet.
Limits, the same on both back ends (``RankingError`` otherwise): scores in hundredths within
[MIN_SCORE, MAX_SCORE], time used below 2**30 ms (12.4 days), finishing times and member ids
below 10**15, board names of at most MAX_BOARD_LENGTH (64) characters for writes. Redis keys
live under ``RANKING_PREFIX`` (default ``lms:ranking:``).
"""

from __future__ import annotations

from flask import current_app

from lms.core.pubsub import redis_client
from lms.core.ranking.base import (
    MAX_BOARD_LENGTH,
    MAX_FINISHED_AT_MS,
    MAX_MEMBER_ID,
    MAX_SCORE,
    MAX_TIME_USED_MS,
    MIN_SCORE,
    Ranked,
    Ranking,
    RankingError,
    Standing,
    checked,
)
from lms.core.ranking.model import RankingChange, RankingEntry
from lms.core.ranking.redis_boards import DEFAULT_REDIS_PREFIX, RedisRanking
from lms.core.ranking.sql_boards import SqlRanking

__all__ = [
    "MAX_BOARD_LENGTH",
    "MAX_FINISHED_AT_MS",
    "MAX_MEMBER_ID",
    "MAX_SCORE",
    "MAX_TIME_USED_MS",
    "MIN_SCORE",
    "Ranked",
    "Ranking",
    "RankingChange",
    "RankingEntry",
    "RankingError",
    "RedisRanking",
    "SqlRanking",
    "Standing",
    "checked",
    "get_ranking",
]


def get_ranking() -> Ranking:
    """The Redis back end when ``LMS_REDIS_URL`` is set, else the SQL one."""
    client = redis_client()
    if client is None:
        return SqlRanking()
    prefix = current_app.config.get("RANKING_PREFIX", DEFAULT_REDIS_PREFIX)
    return RedisRanking(client, prefix)

"""The Redis back end: a sorted set per board, written after the database commits."""

from __future__ import annotations

from collections.abc import Iterable

import redis

from lms.core.pubsub import after_commit
from lms.core.ranking.base import (
    MAX_FINISHED_AT_MS,
    MAX_MEMBER_ID,
    MAX_TIME_USED_MS,
    SCORE_OFFSET,
    SCORE_SCALE,
    TIME_BITS,
    Ranked,
    Ranking,
    Standing,
    checked,
    checked_all,
    checked_board,
    rank_rows,
)

DEFAULT_REDIS_PREFIX = "lms:ranking:"
_ID_WIDTH = 15
_TIME_MASK = 2**TIME_BITS - 1

# Every script keeps a board's sorted set (KEYS[1]) and its member index (KEYS[2]) in step.
_RECORD = """
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then redis.call('ZREM', KEYS[1], old) end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return redis.call('INCR', KEYS[3])
"""
_REMOVE = """
local old = redis.call('HGET', KEYS[2], ARGV[1])
if old then
  redis.call('ZREM', KEYS[1], old)
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return redis.call('INCR', KEYS[3])
"""
# ARGV[1]: per member, its sorted-set member (30 digits), its zscore (16 digits) and its id,
# then "\n"; the whole board is swapped in one atomic step (the old one freed in the background).
_REPLACE = """
redis.call('UNLINK', KEYS[1], KEYS[2])
local text, find, sub = ARGV[1], string.find, string.sub
local scored, named, n, at = {}, {}, 0, 1
local function flush()
  if n > 0 then
    redis.call('ZADD', KEYS[1], unpack(scored, 1, 2 * n))
    redis.call('HSET', KEYS[2], unpack(named, 1, 2 * n))
    n = 0
  end
end
while true do
  local line_end = find(text, '\\n', at, true)
  if not line_end then break end
  local member = sub(text, at, at + 29)
  scored[2 * n + 1] = sub(text, at + 30, at + 45)
  scored[2 * n + 2] = member
  named[2 * n + 1] = sub(text, at + 46, line_end - 1)
  named[2 * n + 2] = member
  n = n + 1
  at = line_end + 1
  if n == 3000 then flush() end
end
flush()
return redis.call('INCR', KEYS[3])
"""
# How many members rank strictly above a (zset score, finishing time): a sentinel member that
# sorts just before everyone with that score and finishing time is added, ranked and removed
# inside the script (atomic, so no reader ever sees it): O(log n) however large the tie.
_BETTER = """
local function better(score, member)
  local sentinel = string.sub(member, 1, WIDTH) .. '~'
  redis.call('ZADD', KEYS[1], score, sentinel)
  local position = redis.call('ZREVRANK', KEYS[1], sentinel)
  redis.call('ZREM', KEYS[1], sentinel)
  return position
end
""".replace("WIDTH", str(_ID_WIDTH))
# ARGV: 'top', offset, limit | 'around', member id, neighbours | 'rank', member id.
# Returns {start, better-than-first, "member score member score ..."}, or {} when absent.
_READ = (
    _BETTER
    + """
local start, stop
if ARGV[1] == 'top' then
  start = tonumber(ARGV[2])
  stop = start + tonumber(ARGV[3]) - 1
else
  local member = redis.call('HGET', KEYS[2], ARGV[2])
  if not member then return {} end
  local position = redis.call('ZREVRANK', KEYS[1], member)
  if ARGV[1] == 'rank' then
    local score = redis.call('ZSCORE', KEYS[1], member)
    return {position, better(score, member), member, score}
  end
  start = math.max(0, position - tonumber(ARGV[3]))
  stop = position + tonumber(ARGV[3])
end
if stop < start then return {} end
local items = redis.call('ZREVRANGE', KEYS[1], start, stop, 'WITHSCORES')
if #items == 0 then return {} end
local first = 0
if start > 0 then first = better(items[2], items[1]) end
return {start, first, table.concat(items, ' ')}
"""
)


def _member(standing: Standing) -> str:
    """Equal zset scores order by member, descending: earlier finishers and lower ids first."""
    return (
        f"{MAX_FINISHED_AT_MS - standing.finished_at_ms:0{_ID_WIDTH}d}"
        f"{MAX_MEMBER_ID - standing.member_id:0{_ID_WIDTH}d}"
    )


def _zscore(standing: Standing) -> int:
    """Score and time used packed exactly into one integer below 2**53, higher is better."""
    hundredths = round(standing.score * SCORE_SCALE) + SCORE_OFFSET
    return (hundredths << TIME_BITS) | (MAX_TIME_USED_MS - standing.time_used_ms)


def _decode(member: str, zscore: str | float) -> Standing:
    packed = int(float(zscore))
    return Standing(
        MAX_MEMBER_ID - int(member[_ID_WIDTH:]),
        ((packed >> TIME_BITS) - SCORE_OFFSET) / SCORE_SCALE,
        MAX_TIME_USED_MS - (packed & _TIME_MASK),
        MAX_FINISHED_AT_MS - int(member[:_ID_WIDTH]),
    )


def _payload(rows: Iterable[Standing]) -> str:
    """``_REPLACE``'s argument: ``_member`` and ``_zscore`` inlined, as a board has 10,000."""
    return "".join([
        f"{MAX_FINISHED_AT_MS - f:0{_ID_WIDTH}d}{MAX_MEMBER_ID - m:0{_ID_WIDTH}d}"
        f"{((round(s * SCORE_SCALE) + SCORE_OFFSET) << TIME_BITS) | (MAX_TIME_USED_MS - t):016d}"
        f"{m}\n"
        for m, s, t, f in rows
    ])  # fmt: skip


def _decode_all(items: list[str]) -> list[tuple[int, float, int, int]]:
    """``_decode`` for "member zscore member zscore ...", inlined, as a page may be 10,000."""
    packed = map(int, map(float, items[1::2]))
    return [
        (MAX_MEMBER_ID - int(member[_ID_WIDTH:]), ((z >> TIME_BITS) - SCORE_OFFSET) / SCORE_SCALE,
         MAX_TIME_USED_MS - (z & _TIME_MASK), MAX_FINISHED_AT_MS - int(member[:_ID_WIDTH]))
        for member, z in zip(items[0::2], packed, strict=True)
    ]  # fmt: skip


class RedisRanking(Ranking):
    """A sorted set per board plus a hash from member id to its sorted-set member.

    The zset score packs (score in hundredths, time used in ms) into an integer below 2**53,
    so it is exact; members with the same zset score sort by their name, which spells the
    finishing time and the member id. Writes wait for the database commit
    (``lms.core.pubsub.after_commit``); reads see committed writes only.
    """

    def __init__(self, client: redis.Redis, prefix: str = DEFAULT_REDIS_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._record = client.register_script(_RECORD)
        self._remove = client.register_script(_REMOVE)
        self._read = client.register_script(_READ)
        self._replace = client.register_script(_REPLACE)

    def _keys(self, board: str) -> tuple[str, str, str]:
        base = f"{self.prefix}{board}"
        return f"{base}:z", f"{base}:m", f"{base}:v"

    def record(self, board: str, standing: Standing) -> None:
        standing = checked(standing)
        keys = self._keys(checked_board(board))
        args = (standing.member_id, _member(standing), _zscore(standing))
        after_commit(lambda: self._record(keys=keys, args=args))

    def remove(self, board: str, member_id: int) -> None:
        keys = self._keys(checked_board(board))
        after_commit(lambda: self._remove(keys=keys, args=(member_id,)))

    def replace_all(self, board: str, standings: Iterable[Standing]) -> None:
        keys = self._keys(checked_board(board))
        rows = checked_all(standings)
        payload = _payload(rows.values())
        after_commit(lambda: self._replace(keys=keys, args=(payload,)))

    def version(self, board: str) -> int:
        return int(self.client.get(self._keys(board)[2]) or 0)

    def count(self, board: str) -> int:
        return int(self.client.zcard(self._keys(board)[0]))

    def _page(self, board: str, *args: object) -> list[Ranked]:
        reply = self._read(keys=self._keys(board)[:2], args=args)
        if len(reply) < 3 or not reply[2]:
            return []
        start, better = int(reply[0]), int(reply[1])
        return rank_rows(_decode_all(reply[2].split(" ")), better + 1, start)

    def top(self, board: str, limit: int, offset: int = 0) -> list[Ranked]:
        return self._page(board, "top", max(offset, 0), max(limit, 0))

    def rank_of(self, board: str, member_id: int) -> Ranked | None:
        reply = self._read(keys=self._keys(board)[:2], args=("rank", member_id))
        if not reply:
            return None
        standing = _decode(reply[2], reply[3])
        return Ranked(int(reply[1]) + 1, *standing)

    def around(self, board: str, member_id: int, neighbours: int) -> list[Ranked]:
        return self._page(board, "around", member_id, max(neighbours, 0))

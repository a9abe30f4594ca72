"""What both back ends share: the standings, their limits, the ranking rule, the interface."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

SCORE_SCALE = 100  # scores are kept to 1/100
TIME_BITS = 30
MAX_TIME_USED_MS = 2**TIME_BITS - 1  # about 12.4 days
SCORE_OFFSET = 2**22
MIN_SCORE = -SCORE_OFFSET / SCORE_SCALE  # -41,943.04
MAX_SCORE = (SCORE_OFFSET - 1) / SCORE_SCALE  # 41,943.03: (score, time) packs below 2**53
MAX_FINISHED_AT_MS = 10**15 - 1  # epoch milliseconds until the year 33658
MAX_MEMBER_ID = 10**15 - 1
MAX_BOARD_LENGTH = 64  # the SQL back end appends a generation to the names of member rows
VERSION_MEMBER_ID = -1  # the SQL back end's hidden row holding a board's version


class RankingError(ValueError):
    """A standing the boards cannot hold exactly (see the limits above)."""


class Standing(NamedTuple):
    member_id: int
    score: float
    time_used_ms: int = 0
    finished_at_ms: int = 0


class Ranked(NamedTuple):
    rank: int
    member_id: int
    score: float
    time_used_ms: int
    finished_at_ms: int


def _hundredths(score: float) -> int:
    if not math.isfinite(score):
        raise RankingError(f"score {score!r} is not a number")
    scaled = round(score * SCORE_SCALE)
    if abs(score * SCORE_SCALE - scaled) > 1e-6 * max(1.0, abs(scaled)):
        raise RankingError(f"score {score!r} has more than two decimals")
    if not MIN_SCORE * SCORE_SCALE <= scaled <= MAX_SCORE * SCORE_SCALE:
        raise RankingError(f"score {score!r} is outside [{MIN_SCORE}, {MAX_SCORE}]")
    return scaled


def checked_board(board: str) -> str:
    """The board name, or RankingError when it is too long to write."""
    if len(board) > MAX_BOARD_LENGTH:
        raise RankingError(f"board name {board[:20]!r}... is longer than {MAX_BOARD_LENGTH}")
    return board


def checked(standing: Standing) -> Standing:
    """The standing with its score quantised to 1/100, or RankingError past the limits."""
    member_id, score, time_used_ms, finished_at_ms = standing
    if not 0 <= member_id <= MAX_MEMBER_ID:
        raise RankingError(f"member id {member_id} is outside [0, {MAX_MEMBER_ID}]")
    if not 0 <= time_used_ms <= MAX_TIME_USED_MS:
        raise RankingError(f"time used {time_used_ms} ms is outside [0, 2**30)")
    if not 0 <= finished_at_ms <= MAX_FINISHED_AT_MS:
        raise RankingError(f"finishing time {finished_at_ms} ms is out of range")
    return Standing(member_id, _hundredths(score) / SCORE_SCALE, int(time_used_ms),
                    int(finished_at_ms))  # fmt: skip


def checked_all(standings: Iterable[Standing]) -> dict[int, Standing]:
    """``checked`` for a whole board, keyed by member (the last standing of a member wins).
    A board of 10,000 is checked on every rebuild, so a standing that is already exact (score
    in hundredths, integers in range) is kept as it is; any other goes through ``checked``."""
    rows: dict[int, Standing] = {}
    for standing in standings:
        member_id, score, time_used_ms, finished_at_ms = standing
        if (
            type(standing) is Standing
            and type(score) is float
            and type(time_used_ms) is int
            and type(finished_at_ms) is int
            and MIN_SCORE <= score <= MAX_SCORE  # False for NaN
            and round(score * SCORE_SCALE) / SCORE_SCALE == score
            and 0 <= member_id <= MAX_MEMBER_ID
            and 0 <= time_used_ms <= MAX_TIME_USED_MS
            and 0 <= finished_at_ms <= MAX_FINISHED_AT_MS
        ):
            rows[member_id] = standing
        else:
            rows[member_id] = checked(standing)
    return rows


def rank_rows(rows: Iterable[Sequence[Any]], first_rank: int, first_position: int) -> list[Ranked]:
    """Ranks for consecutive rows (member id, score, time used, finished at) in board order;
    the first row's rank is given. Builds the tuples directly: a full board has 10,000."""
    result: list[Ranked] = []
    append, new = result.append, tuple.__new__
    rank, position = first_rank, first_position
    last_score: Any = None
    last_time = last_finished = -1  # no row has these: the first row keeps first_rank
    for member_id, score, time_used_ms, finished_at_ms in rows:
        position += 1
        if score != last_score or time_used_ms != last_time or finished_at_ms != last_finished:
            if last_score is not None:
                rank = position
            last_score, last_time, last_finished = score, time_used_ms, finished_at_ms
        append(new(Ranked, (rank, member_id, score, time_used_ms, finished_at_ms)))
    return result


class Ranking(ABC):
    """A family of boards named by strings (e.g. ``competition:7:people``).

    Writes join the caller's database transaction: visible to everyone once it commits, never
    if it rolls back. ``version(board)`` changes on every write, in every worker.
    """

    @abstractmethod
    def record(self, board: str, standing: Standing) -> None:
        """Put the member on the board, or move them to their new standing."""

    @abstractmethod
    def remove(self, board: str, member_id: int) -> None:
        """Take the member off the board (nothing happens if they are not on it)."""

    @abstractmethod
    def top(self, board: str, limit: int, offset: int = 0) -> list[Ranked]:
        """``limit`` entries from position ``offset`` (0 = the best), best first."""

    @abstractmethod
    def rank_of(self, board: str, member_id: int) -> Ranked | None:
        """The member's place, or None when they are not on the board."""

    @abstractmethod
    def around(self, board: str, member_id: int, neighbours: int) -> list[Ranked]:
        """Up to ``neighbours`` entries each side of the member, and the member; [] if absent."""

    @abstractmethod
    def count(self, board: str) -> int:
        """How many members the board holds."""

    @abstractmethod
    def replace_all(self, board: str, standings: Iterable[Standing]) -> None:
        """Make the board hold exactly ``standings``, in one step."""

    @abstractmethod
    def version(self, board: str) -> int:
        """A number that grows with every write to the board (0 for a board never written)."""

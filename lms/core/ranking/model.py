"""The SQL back end's tables."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.extensions import db


class RankingEntry(db.Model):
    """The SQL back end's rows: one per board and member (a person or a unit)."""

    __tablename__ = "ranking_entries"

    board: Mapped[str] = mapped_column(String(80), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    time_used_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    finished_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)


# In board order (score descending, then time used, finish time and member id ascending): a page
# and a member's neighbours are read straight along it, in either direction, without sorting
# the board; the counts of better rows and a snapshot's keys are read from it alone.
Index(
    "ix_ranking_entries_rank",
    RankingEntry.board,
    RankingEntry.score.desc(),
    RankingEntry.time_used_ms,
    RankingEntry.finished_at_ms,
    RankingEntry.member_id,
)


class RankingChange(db.Model):
    """One write to a large board: the member's ranking key before and after (empty when the
    member was not on the board, or is no longer), numbered by the board version it made.

    Written in the writer's transaction, under the board's version row lock, so numbers follow
    commit order; readers bring their per-process snapshots up to date from these rows.
    """

    __tablename__ = "ranking_changes"

    board: Mapped[str] = mapped_column(String(80), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    old_score: Mapped[float | None] = mapped_column(Float)
    old_time_used_ms: Mapped[int | None] = mapped_column(BigInteger)
    old_finished_at_ms: Mapped[int | None] = mapped_column(BigInteger)
    new_score: Mapped[float | None] = mapped_column(Float)
    new_time_used_ms: Mapped[int | None] = mapped_column(BigInteger)
    new_finished_at_ms: Mapped[int | None] = mapped_column(BigInteger)

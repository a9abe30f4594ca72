"""The SQL back end's table."""

from __future__ import annotations

from sqlalchemy import BigInteger, Float, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.extensions import db


class RankingEntry(db.Model):
    """The SQL back end's rows: one per board and member (a person or a unit)."""

    __tablename__ = "ranking_entries"
    __table_args__ = (
        Index("ix_ranking_entries_order", "board", "score", "time_used_ms", "finished_at_ms"),
    )

    board: Mapped[str] = mapped_column(String(80), primary_key=True)
    member_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    score: Mapped[float] = mapped_column(Float)
    time_used_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    finished_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)

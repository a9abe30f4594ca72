"""After a session: the results as XLSX (players, every answer with its server receive time,
scores) and the report by unit. Study points: :mod:`live.services.awards`."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from live.models import LiveAnswer, LivePlayer, LiveSession
from live.services import board
from lms.core.extensions import db
from lms.core.spreadsheets import workbook_bytes
from question_bank.render import correct_answer_text
from question_bank.types import get_type


def _players(session: LiveSession) -> dict[int, LivePlayer]:
    found = db.session.scalars(
        select(LivePlayer)
        .where(LivePlayer.session_id == session.id)
        .options(
            selectinload(LivePlayer.user),
            selectinload(LivePlayer.unit),
            selectinload(LivePlayer.team),
        )
    )
    return {player.id: player for player in found}


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return moment.astimezone(zone).isoformat(timespec="milliseconds")


def _question_text(session: LiveSession, index: int) -> str:
    version = session.questions[index].version
    return version.title or " ".join(version.stem_md.split())[:200]


def export_xlsx(session: LiveSession) -> bytes:
    """Three sheets: players with rank and score, every answer (server receive time, elapsed
    time, right or wrong, points), and the questions with their right answers."""
    players = _players(session)
    yes, no = _("Yes"), _("No")
    player_rows = [
        [
            entry.rank,
            entry.name,
            player.user.username if player.user else "",
            player.unit.path if player.unit else "",
            entry.team or "",
            entry.score,
            entry.correct,
            _local(player.joined_at),
        ]
        for entry in board.leaderboard(session)
        if (player := players[entry.player_id or 0])
    ]
    answers = db.session.scalars(
        select(LiveAnswer)
        .where(LiveAnswer.session_id == session.id)
        .order_by(LiveAnswer.index, LiveAnswer.received_at, LiveAnswer.id)
    ).all()
    answer_rows: list[list[Any]] = []
    for answer in answers:
        version = session.questions[answer.index].version
        player = players[answer.player_id]
        answer_rows.append(
            [
                answer.index + 1,
                _question_text(session, answer.index),
                player.nickname,
                player.user.username if player.user else "",
                get_type(version.type).summary(version.definition, answer.response),
                yes if answer.is_correct else no,
                answer.points,
                _local(answer.received_at),
                answer.elapsed_ms,
            ]
        )
    question_rows = [
        [
            question.index + 1,
            str(get_type(question.version.type).label),
            _question_text(session, question.index),
            correct_answer_text(question.version),
            _local(question.opened_at),
            _local(question.closed_at),
        ]
        for question in session.questions
    ]
    return workbook_bytes(
        [
            (
                _("Players"),
                [_("Rank"), _("Name"), _("Username"), _("Unit"), _("Team"), _("Score"),
                 _("Right answers"), _("Joined at")],
                player_rows,
            ),
            (
                _("Answers"),
                [_("Question"), _("Text"), _("Name"), _("Username"), _("Answer"), _("Right"),
                 _("Points"), _("Received at (server)"), _("Time taken (ms)")],
                answer_rows,
            ),
            (
                _("Questions"),
                [_("Question"), _("Type"), _("Text"), _("Right answer"), _("Opened at"),
                 _("Closed at")],
                question_rows,
            ),
        ]
    )  # fmt: skip


def unit_report(session: LiveSession) -> list[dict[str, Any]]:
    """Players by their unit (guests under none): count, total and average score, members
    ranked as on the session's board; units with the best average first."""
    players = _players(session)
    groups: dict[str | None, list[board.Entry]] = defaultdict(list)
    for entry in board.leaderboard(session):
        player = players[entry.player_id or 0]
        groups[player.unit.path if player.unit else None].append(entry)
    rows = []
    for unit, entries in groups.items():
        total = sum(e.score for e in entries)
        rows.append(
            {
                "unit": unit,
                "players": len(entries),
                "total": total,
                "average": round(total / len(entries), 2),
                "members": [board.entry_json(e) for e in entries],
            }
        )
    rows.sort(key=lambda r: (r["unit"] is None, -r["average"], r["unit"] or ""))
    return rows

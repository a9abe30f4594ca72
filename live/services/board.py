"""Reading a session: leaderboards (people and teams), the reveal's counts, and the state a page
shows (the body of ``GET /api/v1/live-sessions/<id>`` and of every published message).

Before a question closes nothing here says which option is right: only opaque option ids,
texts and counts of how many answered. The correct ids and the distribution appear with the
reveal (state ``reveal``, or an open question past its deadline).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from live.models import Format, LiveAnswer, LivePlayer, LiveSession, LiveState, LiveTeam, Mode
from live.services import questions
from live.services.clock import current_question, effective_state, seconds_left
from lms.core.api import iso
from lms.core.clock import utcnow
from lms.core.extensions import db
from question_bank.render import stem_html

LOBBY_NAMES = 200  # the lobby lists the latest joiners; the count says how many in all
BOARD_TOP = 10


@dataclass(frozen=True)
class Entry:
    rank: int
    name: str
    team: str | None
    score: int
    player_id: int | None = None
    team_id: int | None = None
    correct: int = 0


def _ranked(rows: list[tuple[Any, ...]]) -> list[int]:
    """Competition ranks (1, 1, 3) of rows sorted by score, highest first (score at [0])."""
    ranks: list[int] = []
    for position, row in enumerate(rows):
        tie = position and rows[position - 1][0] == row[0]
        ranks.append(ranks[-1] if tie else position + 1)
    return ranks


def leaderboard(session: LiveSession, limit: int | None = None) -> list[Entry]:
    """Players by score; equal scores share a rank, earlier joiners listed first."""
    query = (
        select(
            LivePlayer.score,
            LivePlayer.id,
            LivePlayer.nickname,
            LiveTeam.name,
            LivePlayer.team_id,
            LivePlayer.correct_count,
        )
        .outerjoin(LiveTeam, LiveTeam.id == LivePlayer.team_id)
        .where(LivePlayer.session_id == session.id)
        .order_by(LivePlayer.score.desc(), LivePlayer.joined_at, LivePlayer.id)
    )
    rows = [tuple(row) for row in db.session.execute(query)]
    ranks = _ranked(rows)
    entries = [
        Entry(rank, name, team, score, player_id, team_id, correct)
        for rank, (score, player_id, name, team, team_id, correct) in zip(ranks, rows, strict=True)
    ]
    return entries[:limit] if limit else entries


def team_board(session: LiveSession) -> list[Entry]:
    """Every team by score: a stage session's own team scores, a hosted session's average of
    its players' scores (so a large branch does not win by its size alone; no players: 0)."""
    if session.format == Format.STAGE:
        rows = [(team.score, team.id, team.name) for team in session.teams]
    else:
        averages = dict(
            db.session.execute(
                select(LivePlayer.team_id, func.avg(LivePlayer.score))
                .where(LivePlayer.session_id == session.id, LivePlayer.team_id.is_not(None))
                .group_by(LivePlayer.team_id)
            ).all()
        )
        rows = [
            (round(float(averages.get(team.id) or 0)), team.id, team.name) for team in session.teams
        ]
    rows.sort(key=lambda r: (-r[0], r[1]))
    ranks = _ranked(rows)
    return [
        Entry(rank, name, name, score, None, team_id)
        for rank, (score, team_id, name) in zip(ranks, rows, strict=True)
    ]


def rank_of(session: LiveSession, player: LivePlayer) -> int:
    """The player's rank: one more than the players with a higher score."""
    higher = db.session.scalar(
        select(func.count())
        .select_from(LivePlayer)
        .where(LivePlayer.session_id == session.id, LivePlayer.score > player.score)
    )
    return (higher or 0) + 1


def counts(session: LiveSession, index: int) -> dict[str, int]:
    """How many picked each option of question ``index`` (every option listed, 0 included)."""
    question = session.questions[index]
    tally = {token: 0 for token, _real in question.choices.get("options", [])}
    picked = db.session.scalars(
        select(LiveAnswer.tokens).where(
            LiveAnswer.session_id == session.id, LiveAnswer.index == index
        )
    )
    for tokens in picked:
        for token in tokens or []:
            if token in tally:
                tally[token] += 1
    return tally


def answered_count(session: LiveSession, index: int) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(LiveAnswer)
            .where(LiveAnswer.session_id == session.id, LiveAnswer.index == index)
        )
        or 0
    )


def player_count(session: LiveSession) -> int:
    return (
        db.session.scalar(
            select(func.count()).select_from(LivePlayer).where(LivePlayer.session_id == session.id)
        )
        or 0
    )


def player_buckets(session: LiveSession, buckets: int) -> list[int]:
    """The buckets (player id modulo ``buckets``) that hold at least one of the players."""
    bucket = LivePlayer.id % buckets
    return list(
        db.session.scalars(
            select(bucket).where(LivePlayer.session_id == session.id).group_by(bucket)
        )
    )


def entry_json(entry: Entry) -> dict[str, Any]:
    return {
        "rank": entry.rank,
        "name": entry.name,
        "team": entry.team,
        "score": entry.score,
        "player_id": entry.player_id,
        "team_id": entry.team_id,
    }


def lobby_players(session: LiveSession) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(LivePlayer.id, LivePlayer.nickname, LiveTeam.name)
        .outerjoin(LiveTeam, LiveTeam.id == LivePlayer.team_id)
        .where(LivePlayer.session_id == session.id)
        .order_by(LivePlayer.joined_at.desc(), LivePlayer.id.desc())
        .limit(LOBBY_NAMES)
    )
    return [{"id": pid, "name": name, "team": team} for pid, name, team in rows]


def _question(session: LiveSession, state: str, now: datetime) -> dict[str, Any] | None:
    question = current_question(session)
    if question is None or state not in (LiveState.QUESTION, LiveState.REVEAL):
        return None
    version = question.version
    return {
        "index": question.index,
        "type": version.type,
        "kind": question.kind,
        "stem_html": str(stem_html(version)),
        "options": questions.options_view(question),
        "seconds": question.seconds,
        "seconds_left": seconds_left(session, now),
        "deadline": iso(session.question_deadline),
        "paused": session.paused_at is not None,
        "team_id": question.team_id,
        "answered": answered_count(session, question.index),
    }


def reveal(session: LiveSession) -> dict[str, Any] | None:
    question = current_question(session)
    if question is None:
        return None
    return {
        "index": question.index,
        "correct": questions.correct_tokens(question),
        "counts": counts(session, question.index),
    }


def me(session: LiveSession, player: LivePlayer, state: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "player_id": player.id,
        "name": player.nickname,
        "team": player.team.name if player.team else None,
        "score": player.score,
        "rank": rank_of(session, player),
        "streak": player.streak,
    }
    question = current_question(session)
    if question is not None and state in (LiveState.QUESTION, LiveState.REVEAL):
        answer = db.session.scalar(
            select(LiveAnswer).where(
                LiveAnswer.player_id == player.id, LiveAnswer.index == question.index
            )
        )
        body["answered"] = answer is not None
        body["answer"] = answer.tokens if answer is not None else None
        if state == LiveState.REVEAL:
            body["correct"] = bool(answer and answer.is_correct)
            body["points"] = answer.points if answer is not None else 0
            if session.state == LiveState.QUESTION and answer is not None:
                # Closed by its deadline and not yet settled by a write: count the points.
                body["score"] = player.score + answer.points
    return body


def player_results(session: LiveSession) -> dict[str, list[int]]:
    """Every player's ``[score, rank, points, right (1/0)]`` by player id, the points and right
    for the question just closed: what each phone shows after a reveal, in the one public
    message (no request per phone). Only once the question is closed (settled)."""
    if session.state not in (LiveState.REVEAL, LiveState.LEADERBOARD, LiveState.FINISHED):
        return {}
    rows = [
        tuple(row)
        for row in db.session.execute(
            select(LivePlayer.score, LivePlayer.id)
            .where(LivePlayer.session_id == session.id)
            .order_by(LivePlayer.score.desc(), LivePlayer.id)
        )
    ]
    answered = {
        player_id: (points, correct)
        for player_id, points, correct in db.session.execute(
            select(LiveAnswer.player_id, LiveAnswer.points, LiveAnswer.is_correct).where(
                LiveAnswer.session_id == session.id, LiveAnswer.index == session.current_index
            )
        )
    }
    results = {}
    for rank, (score, player_id) in zip(_ranked(rows), rows, strict=True):
        points, correct = answered.get(player_id, (0, False))
        results[str(player_id)] = [score, rank, points, int(bool(correct))]
    return results


def state_for(
    session: LiveSession,
    *,
    player: LivePlayer | None = None,
    screen: bool = False,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The session as a page sees it (contract: issue 16 section 4). ``screen``: the public
    view (big screen, published messages); ``player``: adds ``me`` for that phone."""
    now = now or utcnow()
    state = effective_state(session, now)
    body: dict[str, Any] = {
        "id": session.id,
        "title": session.title,
        "state": state,
        "version": session.version,
        "pin": session.pin,
        "mode": session.mode,
        "format": session.format,
        "scoring": session.scoring,
        "index": session.current_index,
        "total": len(session.questions),
        "server_time": iso(now),
        "player_count": player_count(session),
        "players": lobby_players(session) if state == LiveState.LOBBY else [],
    }
    question = _question(session, state, now)
    if question is not None:
        body["question"] = question
    if state == LiveState.REVEAL:
        body["reveal"] = reveal(session)
    if state in (LiveState.LEADERBOARD, LiveState.FINISHED):
        body["leaderboard"] = [entry_json(e) for e in leaderboard(session, BOARD_TOP)]
    if session.mode == Mode.TEAMS:  # scores move only when a question closes
        body["teams"] = [entry_json(e) for e in team_board(session)]
    if player is not None and not screen:
        body["me"] = me(session, player, state)
    return body

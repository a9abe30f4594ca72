"""Checking what the server answered against the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bench.competition_load.settings import API_MAX_LIMIT
from competitions.models import Competition, Entry
from competitions.services import authoring as competition_authoring
from competitions.services import leaderboards
from competitions.services.authoring import CompetitionSettings
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from quizzes.models import Attempt

# -- checking against the database -----------------------------------------------------------


Key = tuple[float, int, int]  # score, time used in ms, submitted in epoch ms, as boards keep


def _expected(quiz_id: int) -> tuple[dict[int, list[Attempt]], list[tuple[int, int, Key]]]:
    """Attempts per member, and (rank, user id, key) by the ranking rules, from the attempts."""
    by_user: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(select(Attempt).where(Attempt.quiz_id == quiz_id)):
        by_user.setdefault(attempt.user_id, []).append(attempt)
    keys: list[tuple[Key, int]] = []
    for user_id, attempts in by_user.items():
        finished = [a for a in attempts if a.state == "finished" and a.score is not None]
        if finished:
            chosen = max(finished, key=lambda a: a.score or 0.0)
            moment = chosen.submitted_at or chosen.deadline_at or chosen.started_at
            key = (
                round(chosen.score or 0.0, 2),
                (chosen.time_used_seconds or 0) * 1000,
                int(moment.timestamp() * 1000),
            )
            keys.append((key, user_id))
    keys.sort(key=lambda pair: (-pair[0][0], pair[0][1], pair[0][2], pair[1]))
    ranked: list[tuple[int, int, Key]] = []
    for index, (key, user_id) in enumerate(keys):
        tie = ranked and ranked[-1][2] == key
        ranked.append((ranked[-1][0] if tie else index + 1, user_id, key))
    return by_user, ranked


def _scored_once(
    competition_id: int, by_user: dict[int, list[Attempt]], acknowledged: list[tuple[str, int]]
) -> tuple[int, int]:
    """(lost, double-scored) among the acknowledged submits."""
    users = {u.username: u.id for u in db.session.scalars(select(User))}
    entries: dict[int, list[Entry]] = {}
    for entry in db.session.scalars(select(Entry).where(Entry.competition_id == competition_id)):
        entries.setdefault(entry.user_id, []).append(entry)
    lost = double = 0
    for username, attempt_id in acknowledged:
        user_id = users[username]
        attempts = by_user.get(user_id, [])
        mine = [a for a in attempts if a.id == attempt_id and a.state == "finished"]
        own = entries.get(user_id, [])
        if not mine or mine[0].score is None or not own:
            lost += 1
        elif (
            len(attempts) != 1
            or len(own) != 1
            or own[0].rounds_done != 1
            or round(own[0].score, 4) != round(mine[0].score, 4)
        ):
            double += 1
    return lost, double


def _close(competition_id: int) -> None:
    """End the competition now, through the service (its round's quiz closes with it)."""
    competition = db.session.get(Competition, competition_id)
    now = utcnow()
    competition_authoring.update_competition(
        competition,
        CompetitionSettings(
            title=competition.title,
            registration_opens_at=competition.registration_opens_at,
            starts_at=competition.starts_at,
            ends_at=max(now - timedelta(seconds=1), competition.starts_at + timedelta(seconds=1)),
            min_participants=competition.min_participants,
        ),
    )
    db.session.commit()


def _board_mismatches(
    ranked: list[tuple[int, int, Key]],
    names: dict[int, str],
    top: list[dict[str, Any]],
    mine: dict[str, Any],
) -> tuple[int, int]:
    """(rows of the API's top page that differ, participants whose own API row differs)."""
    want_top = [
        (rank, names[user_id], key[0], key[1] // 1000)
        for rank, user_id, key in ranked[: len(top) or API_MAX_LIMIT]
    ]
    got_top = [(r["rank"], r["name"], r["score"], r["time_used_seconds"]) for r in top]
    top_wrong = sum(1 for a, b in zip(want_top, got_top, strict=False) if a != b)
    top_wrong += abs(len(want_top) - len(got_top))
    want = {names[user_id]: (rank, key[0], key[1] // 1000) for rank, user_id, key in ranked}
    mine_wrong = 0
    for username, row in mine.items():
        got = (row["rank"], row["score"], row["time_used_seconds"]) if row else None
        if want.get(username) != got:
            mine_wrong += 1
    return top_wrong, mine_wrong


def _service_mismatches(competition_id: int, ranked: list[tuple[int, int, Key]]) -> int:
    """Rows of the whole board, paged through the leaderboard service, that differ."""
    competition = db.session.get(Competition, competition_id)
    rows = []
    while True:
        page = leaderboards.people_board(competition, limit=API_MAX_LIMIT, offset=len(rows))
        if not page.entries:
            break
        rows.extend((r.rank, r.user_id, r.score, r.time_used_seconds) for r in page.entries)
    want = [(rank, user_id, key[0], key[1] // 1000) for rank, user_id, key in ranked]
    return sum(1 for a, b in zip(want, rows, strict=False) if a != b) + abs(len(want) - len(rows))

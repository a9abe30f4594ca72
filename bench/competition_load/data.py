"""Preparing the data through the real services."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select

from bench.competition_load.settings import (
    ENTRANTS,
    MIXED_USERS,
    PARTICIPANTS,
    QUESTIONS,
    READERS,
    SMALL_ENTRANTS,
)
from bench.load import ROOT
from competitions.models import Competition, Entry, Registration
from competitions.services import authoring as competition_authoring
from competitions.services import registration, standings
from competitions.services.authoring import CompetitionSettings
from lms.accounts.models import Role, User
from lms.accounts.services import org_units, tokens
from lms.accounts.services.passwords import hash_password
from lms.app import create_app
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.ranking import get_ranking
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Quiz
from quizzes.services import authoring
from quizzes.services.authoring import QuizSettings, SlotSpec

# -- preparing the data through the services -------------------------------------------------


def _app(url: str, redis_url: str | None, prefix: str) -> Flask:
    extra = {"REDIS_URL": redis_url, "RANKING_PREFIX": prefix} if redis_url else {}
    return create_app("testing", DATABASE_URL=url, RATELIMIT_ENABLED=False, **extra)


def _reset(url: str) -> None:
    if url.startswith("postgresql"):
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    upgrade(directory=str(ROOT / "migrations"))


def _round_quiz(title: str) -> Quiz:
    category = categories.ensure_path(f"Bench/{title}")
    bank = [
        questions.create_question(
            category,
            QuestionContent(
                type="true_false",
                stem_md=f"{title}: statement {n} is true?",
                definition={"correct": n % 2 == 0},
            ),
        )
        for n in range(QUESTIONS)
    ]
    return authoring.create_quiz(
        QuizSettings(title=f"{title} round", time_limit_seconds=1800, max_attempts=1),
        [SlotSpec(question_id=q.id) for q in bank],
    )


def _competition(title: str) -> Competition:
    """A published competition that has been running for a minute and runs three more hours."""
    now = utcnow()
    competition = competition_authoring.create_competition(
        CompetitionSettings(
            title=title,
            registration_opens_at=now - timedelta(hours=1),
            starts_at=now - timedelta(minutes=1),
            ends_at=now + timedelta(hours=3),
            min_participants=0,
        ),
        [_round_quiz(title)],
        created_by=None,
    )
    competition_authoring.set_published(competition, True)
    db.session.flush()
    return competition


def _users(stem: str, count: int) -> list[User]:
    """``count`` members inserted in bulk with one precomputed password hash."""
    unit = org_units.ensure_unit_path("Bench/Branch")
    password_hash = hash_password("bench-password")
    rows = [
        {
            "username": f"{stem}{n}",
            "display_name": f"{stem}{n}",
            "password_hash": password_hash,
            "role": Role.MEMBER.value,
            "unit_id": unit.id,
        }
        for n in range(count)
    ]
    for start in range(0, count, 2000):
        db.session.execute(insert(User), rows[start : start + 2000])
    found = db.session.scalars(select(User).where(User.username.like(f"{stem}%")))
    by_name = {user.username: user for user in found}
    return [by_name[f"{stem}{n}"] for n in range(count)]


def _secrets(users: list[User]) -> list[tuple[str, str]]:
    return [(user.username, tokens.issue_api_token(user).secret) for user in users]


def _prepare_finish() -> dict[str, Any]:
    competition = _competition("Finish")
    users = _users("finisher", PARTICIPANTS)
    for user in users:
        registration.register(user, competition)
    pairs = _secrets(users)
    db.session.commit()
    return {"competition": competition.id, "quiz": competition.rounds[0].quiz_id, "pairs": pairs}


def _on_board(competition: Competition, users: list[User], seed: int) -> None:
    """Registrations and entries in bulk, and both boards rebuilt from those entries."""
    rng = random.Random(seed)
    now = utcnow()
    db.session.execute(
        insert(Registration),
        [{"competition_id": competition.id, "user_id": u.id} for u in users],
    )
    results = {
        user.id: standings.Result(
            score=float(rng.randint(0, QUESTIONS)),
            max_score=float(QUESTIONS),
            time_used_seconds=rng.randint(5, 600),
            submitted_at=now - timedelta(seconds=rng.randint(0, 50)),
            rounds_done=1,
        )
        for user in users
    }
    db.session.execute(
        insert(Entry),
        [
            {
                "competition_id": competition.id,
                "user_id": user.id,
                "unit_id": user.unit_id,
                "score": results[user.id].score,
                "max_score": results[user.id].max_score,
                "time_used_seconds": results[user.id].time_used_seconds,
                "submitted_at": results[user.id].submitted_at,
                "rounds_done": 1,
            }
            for user in users
        ],
    )
    board = [standings.standing_of(result, user_id) for user_id, result in results.items()]
    ranking = get_ranking()
    ranking.replace_all(standings.people_key(competition.id), board)
    ranking.replace_all(standings.public_key(competition.id), board)


def _prepare_board() -> dict[str, Any]:
    users = _users("entrant", ENTRANTS)
    large, small = _competition("Large board"), _competition("Small board")
    _on_board(large, users, seed=1)
    _on_board(small, users[:SMALL_ENTRANTS], seed=2)
    pairs = _secrets(users[: min(ENTRANTS, READERS + MIXED_USERS)])
    db.session.commit()
    return {
        "large": large.id,
        "large_quiz": large.rounds[0].quiz_id,
        "small": small.id,
        "readers": pairs[:READERS],
        "submitters": pairs[READERS:],
    }

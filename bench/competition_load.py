"""Competitions under load: finishing a round, reading the leaderboard, and both at once.

Three sections against gunicorn with several workers (select them with LMS_BENCH_SECTIONS,
default ``finish,board,mixed``); prints tables and asserts nothing.

- finish: LMS_BENCH_PARTICIPANTS (5,000) registered members each start the competition's round
  (3 true/false questions), save 3 answers and submit. p50/p95/p99 per request kind (target
  p99 < 1 s, all within 60 s), then, from the database: every acknowledged submit has exactly one
  finished attempt and one entry scored once; after the competition closes, the leaderboard the
  API serves equals the standings computed from the attempts (score desc, time used asc,
  submitted asc, ties share the rank).
- board: LMS_BENCH_ENTRANTS (10,000) entrants on the board; the top-50 leaderboard endpoint's
  rate against a bare /healthz in the same run (target >= 0.5x), and the SQL statements of one
  leaderboard request in process at LMS_BENCH_SMALL_ENTRANTS (1,000) and 10,000 (must be equal).
- mixed: the same 10,000 entrants; 8 client threads start, answer and submit the round while
  2 threads read the leaderboard, against the 8 submitters alone, alternating phases of
  LMS_BENCH_MIXED_SECONDS (15) in the same run (target: the submission rate falls <= 20 %).

    python -m bench.competition_load                 # SQLite in a temporary folder, no Redis
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://lms:lms@127.0.0.1:5432/lms_bench_comp \\
    LMS_BENCH_REDIS_URL=redis://127.0.0.1:6379/13 python -m bench.competition_load

The PostgreSQL database must exist; its tables are dropped first. Redis keys go under a fresh
prefix (LMS_RANKING_PREFIX for the server) and are deleted at the end. Other settings:
LMS_BENCH_BOARD_REQUESTS (per endpoint and round, 5,000), LMS_BENCH_MIXED_USERS (entrants who
submit in the mixed section, 4,000), LMS_BENCH_WORKERS (gunicorn processes, 2),
LMS_BENCH_THREADS (per worker, 4), LMS_BENCH_CLIENTS (client processes, 4) and
LMS_BENCH_CLIENT_THREADS (per client process, 8).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import event, insert, select

from bench.load import in_processes, percentile, serve
from competitions.models import Competition, Entry, Registration
from competitions.services import authoring as competition_authoring
from competitions.services import leaderboards, registration, standings
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
from quizzes.models import Attempt, Quiz
from quizzes.services import authoring
from quizzes.services.authoring import QuizSettings, SlotSpec

SECTIONS = set(os.environ.get("LMS_BENCH_SECTIONS", "finish,board,mixed").split(","))
PARTICIPANTS = int(os.environ.get("LMS_BENCH_PARTICIPANTS", "5000"))
ENTRANTS = int(os.environ.get("LMS_BENCH_ENTRANTS", "10000"))
SMALL_ENTRANTS = int(os.environ.get("LMS_BENCH_SMALL_ENTRANTS", "1000"))
BOARD_REQUESTS = int(os.environ.get("LMS_BENCH_BOARD_REQUESTS", "5000"))
MIXED_SECONDS = float(os.environ.get("LMS_BENCH_MIXED_SECONDS", "15"))
MIXED_USERS = int(os.environ.get("LMS_BENCH_MIXED_USERS", "4000"))
WORKERS = int(os.environ.get("LMS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("LMS_BENCH_THREADS", "4"))
CLIENTS = int(os.environ.get("LMS_BENCH_CLIENTS", "4"))
CLIENT_THREADS = int(os.environ.get("LMS_BENCH_CLIENT_THREADS", "8"))
QUESTIONS = 3
READERS = 64  # entrants whose tokens read the leaderboard; the submitters come after them
SUBMITTER_PROCESSES, SUBMITTER_THREADS, READER_THREADS = 2, 4, 2
API_MAX_LIMIT = 200  # the leaderboard API's largest page, and it has no offset
TIMEOUT = 60


@dataclass
class Outcome:
    """What one client process saw: latencies per request kind, acknowledged submits, errors."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    submitted: list[tuple[str, int]] = field(default_factory=list)  # (username, attempt id)
    mine: dict[str, Any] = field(default_factory=dict)  # username: the API's "me" row
    errors: list[str] = field(default_factory=list)
    exhausted: int = 0  # submitter threads that ran out of members before the phase ended

    def add(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds * 1000)

    def count(self, kind: str) -> int:
        return len(self.latencies.get(kind, []))

    def merge(self, other: Outcome) -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        self.submitted.extend(other.submitted)
        self.mine.update(other.mine)
        self.errors.extend(other.errors)
        self.exhausted += other.exhausted


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


# -- the server and the clients --------------------------------------------------------------


def _timed(outcome: Outcome, kind: str, call: Callable[[], requests.Response]) -> Any:
    """The response's JSON when it succeeded, else None (the error is recorded)."""
    start = time.perf_counter()
    try:
        response = call()
    except requests.RequestException as error:
        outcome.errors.append(f"{kind} {type(error).__name__}")
        return None
    outcome.add(kind, time.perf_counter() - start)
    if response.status_code not in (200, 201):
        outcome.errors.append(f"{kind} {response.status_code} {response.text[:100]}")
        return None
    return response.json() if "json" in response.headers.get("Content-Type", "") else {}


def _session(secret: str | None) -> requests.Session:
    session = requests.Session()
    if secret:
        session.headers["Authorization"] = f"Bearer {secret}"
    return session


def _take_part(base: str, quiz_id: int, username: str, secret: str, outcome: Outcome) -> None:
    """Start the round, answer its 3 questions (at random, so scores differ) and submit."""
    session = _session(secret)
    url = f"{base}/api/v1/quizzes/{quiz_id}/attempts"
    attempt = _timed(outcome, "start", lambda: session.post(url, json={}, timeout=TIMEOUT))
    if attempt is None:
        return
    rng = random.Random(username)
    for item in attempt["items"]:
        answer = {"answer": rng.random() < 0.6, "sequence": 1}
        url = f"{base}/api/v1/attempts/{attempt['id']}/answers/{item['slot']}"
        _timed(outcome, "save", lambda url=url, a=answer: session.put(url, json=a, timeout=TIMEOUT))
    url = f"{base}/api/v1/attempts/{attempt['id']}/submit"
    if _timed(outcome, "submit", lambda: session.post(url, timeout=TIMEOUT)) is not None:
        outcome.submitted.append((username, attempt["id"]))


def _participants_client(base: str, quiz_id: int, pairs: list[tuple[str, str]]) -> Outcome:
    outcome = Outcome()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(lambda pair: _take_part(base, quiz_id, *pair, outcome), pairs))
    return outcome


def _getter_client(base: str, kind: str, path: str, secrets: list[str], count: int) -> Outcome:
    """CLIENT_THREADS threads, each with its own token, share ``count`` GETs of ``path``."""
    outcome = Outcome()

    def run(secret: str) -> None:
        session = _session(secret)
        for _ in range(count // CLIENT_THREADS):
            _timed(outcome, kind, lambda: session.get(f"{base}{path}", timeout=TIMEOUT))

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(run, [secrets[n % len(secrets)] for n in range(CLIENT_THREADS)]))
    return outcome


def _mine_client(base: str, competition_id: int, pairs: list[tuple[str, str]]) -> Outcome:
    """Every participant's own row ("me") from the leaderboard endpoint."""
    outcome = Outcome()
    path = f"{base}/api/v1/competitions/{competition_id}/leaderboard?scope=people&limit=1"

    def ask(pair: tuple[str, str]) -> None:
        session = _session(pair[1])
        body = _timed(outcome, "leaderboard me", lambda: session.get(path, timeout=TIMEOUT))
        if body is not None:
            outcome.mine[pair[0]] = body.get("me")

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(ask, pairs))
    return outcome


def _submitter(base: str, quiz_id: int, pairs: list[tuple[str, str]], until: float) -> Outcome:
    """One thread's members, one after the other, until the phase ends."""
    outcome = Outcome()
    for username, secret in pairs:
        if time.time() >= until:
            return outcome
        _take_part(base, quiz_id, username, secret, outcome)
    outcome.exhausted = 1 if time.time() < until else 0
    return outcome


def _reader(base: str, path: str, secret: str, until: float) -> Outcome:
    outcome = Outcome()
    session = _session(secret)
    while time.time() < until:
        _timed(outcome, "leaderboard", lambda: session.get(f"{base}{path}", timeout=TIMEOUT))
    return outcome


def _threads(target: Callable[..., Outcome], argument_lists: list[tuple[Any, ...]]) -> Outcome:
    merged = Outcome()
    with ThreadPoolExecutor(len(argument_lists)) as pool:
        for result in pool.map(lambda arguments: target(*arguments), argument_lists):
            merged.merge(result)
    return merged


def _in_processes(
    target: Callable[..., Outcome], argument_lists: list[tuple[Any, ...]]
) -> tuple[Outcome, float]:
    results, elapsed = in_processes(target, argument_lists)
    merged = Outcome()
    for result in results:
        merged.merge(result)
    return merged, elapsed


# -- printing --------------------------------------------------------------------------------


def _load() -> str:
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def _table(rows: list[tuple[str, list[float], float]]) -> None:
    header = f"{'request':<20}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header)
    print("-" * len(header))
    for kind, values, elapsed in rows:
        print(
            f"{kind:<20}{len(values):>8}{len(values) / elapsed:>9.0f}"
            f"{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{percentile(values, 0.99):>9.1f}"
        )


def _errors(outcome: Outcome) -> None:
    print(f"errors: {len(outcome.errors)}")
    for error in outcome.errors[:5]:
        print("  ", error)


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


# -- the three sections ----------------------------------------------------------------------


def _finish(app: Flask, base: str, data: dict[str, Any]) -> None:
    pairs = data["pairs"]
    print(f"\n## finish: {len(pairs)} participants; load average before: {_load()}")
    healthz = min(len(pairs) * 5, 10_000)
    bare, bare_elapsed = _in_processes(
        _getter_client, [(base, "healthz", "/healthz", [""], healthz // CLIENTS)] * CLIENTS
    )
    shares = [(base, data["quiz"], pairs[n::CLIENTS]) for n in range(CLIENTS)]
    run, elapsed = _in_processes(_participants_client, shares)
    _table(
        [
            ("healthz", bare.latencies.get("healthz", []), bare_elapsed),
            *((kind, run.latencies.get(kind, []), elapsed) for kind in ("start", "save", "submit")),
        ]
    )
    worst = max(percentile(v, 0.99) for k, v in run.latencies.items())
    print(
        f"all {len(pairs)} participants finished in {elapsed:.1f} s (target: within 60 s); "
        f"worst p99 {worst:.0f} ms (target < 1000 ms) {'ok' if worst < 1000 else 'MISSED'}"
    )
    _errors(run)
    with app.app_context():
        by_user, ranked = _expected(data["quiz"])
        lost, double = _scored_once(data["competition"], by_user, run.submitted)
        _close(data["competition"])
        names = {u.id: u.username for u in db.session.scalars(select(User))}
        service_wrong = _service_mismatches(data["competition"], ranked)
    path = f"/api/v1/competitions/{data['competition']}/leaderboard?scope=people&limit="
    top = requests.get(
        f"{base}{path}{API_MAX_LIMIT}",
        headers={"Authorization": f"Bearer {pairs[0][1]}"},
        timeout=TIMEOUT,
    ).json()["entries"]
    mine, mine_elapsed = _in_processes(
        _mine_client, [(base, data["competition"], pairs[n::CLIENTS]) for n in range(CLIENTS)]
    )
    top_wrong, mine_wrong = _board_mismatches(ranked, names, top, mine.mine)
    print(
        f"acknowledged submits: {len(run.submitted)}; lost: {lost}; double-scored: {double}; "
        f"on the board from the database: {len(ranked)}"
    )
    print(
        f"after close: API top {len(top)} rows differing from the database: {top_wrong}; "
        f"participants whose own API row ('me', {len(mine.mine)} read in {mine_elapsed:.0f} s) "
        f"differs: {mine_wrong}; whole board paged through the service ({len(ranked)} rows) "
        f"differing: {service_wrong}"
    )
    _errors(mine)


def _statements(app: Flask, competition_id: int, secret: str) -> tuple[int, int]:
    """SQL statements of one leaderboard request in process: (cache cold, cache warm)."""
    counted: list[str] = []

    def count(*_args: Any) -> None:
        counted.append("")

    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    path = f"/api/v1/competitions/{competition_id}/leaderboard?scope=people&limit=50"
    results = []
    with app.app_context():
        engine = db.engine
    for cold in (True, False):
        if cold:
            leaderboards.clear_cache()
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(path, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        assert response.status_code == 200, response.text
        results.append(len(counted))
        counted.clear()
    return results[0], results[1]


def _board(app: Flask, base: str, data: dict[str, Any]) -> None:
    print(f"\n## board: {ENTRANTS} entrants; load average before: {_load()}")
    secret = data["readers"][0][1]
    small = _statements(app, data["small"], secret)
    large = _statements(app, data["large"], secret)
    print("SQL statements of one leaderboard request (top 50 and the viewer's row), in process:")
    print(f"{'entrants':<10}{'cache cold':>12}{'cache warm':>12}")
    print(f"{SMALL_ENTRANTS:<10}{small[0]:>12}{small[1]:>12}")
    print(f"{ENTRANTS:<10}{large[0]:>12}{large[1]:>12}")
    print(f"equal at both sizes: {'ok' if small == large else 'MISSED'}")
    secrets = [s for _u, s in data["readers"]]
    path = f"/api/v1/competitions/{data['large']}/leaderboard?scope=people&limit=50"
    totals: dict[str, tuple[list[float], float]] = {}
    merged = Outcome()
    for _round in range(2):  # alternate, so a change in the machine's load hits both
        for kind, target in (("healthz", "/healthz"), ("leaderboard top 50", path)):
            outcome, elapsed = _in_processes(
                _getter_client, [(base, kind, target, secrets, BOARD_REQUESTS // CLIENTS)] * CLIENTS
            )
            values, seconds = totals.get(kind, ([], 0.0))
            totals[kind] = (values + outcome.latencies.get(kind, []), seconds + elapsed)
            merged.merge(outcome)
    _table([(kind, values, seconds) for kind, (values, seconds) in totals.items()])
    rates = {kind: len(values) / seconds for kind, (values, seconds) in totals.items()}
    ratio = rates["leaderboard top 50"] / rates["healthz"]
    verdict = "ok" if ratio >= 0.5 else "MISSED"
    print(f"leaderboard / healthz rate: {ratio:.2f} (target >= 0.5) {verdict}")
    _errors(merged)


def _phase(base: str, data: dict[str, Any], pool: list[tuple[str, str]], readers: bool) -> Outcome:
    """8 submitter threads (2 processes x 4), and with ``readers`` 2 leaderboard readers."""
    until = time.time() + MIXED_SECONDS
    threads = SUBMITTER_PROCESSES * SUBMITTER_THREADS
    slices = [pool[n::threads] for n in range(threads)]
    jobs: list[tuple[Any, ...]] = [
        (
            _submitter,
            [(base, data["large_quiz"], s, until) for s in slices[p::SUBMITTER_PROCESSES]],
        )
        for p in range(SUBMITTER_PROCESSES)
    ]
    if readers:
        path = f"/api/v1/competitions/{data['large']}/leaderboard?scope=people&limit=50"
        secrets = [s for _u, s in data["readers"]]
        jobs.append((_reader, [(base, path, secrets[n], until) for n in range(READER_THREADS)]))
    outcome, _elapsed = _in_processes(_threads, jobs)
    return outcome


def _mixed(base: str, data: dict[str, Any]) -> None:
    print(f"\n## mixed: {ENTRANTS} entrants; load average before: {_load()}")
    pool = data["submitters"]
    quarter = len(pool) // 4
    phases = [("alone", False), ("with readers", True)] * 2
    results: dict[str, list[Outcome]] = {}
    for n, (name, readers) in enumerate(phases):
        results.setdefault(name, []).append(
            _phase(base, data, pool[n * quarter : (n + 1) * quarter], readers)
        )
    seconds = MIXED_SECONDS * 2
    header = (
        f"{'phase':<14}{'submissions/s':>15}{'finished/s':>12}{'p99 ms':>9}{'board reads/s':>15}"
    )
    print(f"8 submitter threads (start, 3 saves, submit), 2 x {MIXED_SECONDS:.0f} s per phase")
    print(header)
    print("-" * len(header))
    rates = {}
    merged = Outcome()
    for name, outcomes in results.items():
        total = Outcome()
        for outcome in outcomes:
            total.merge(outcome)
        merged.merge(total)
        writes = [v for k in ("start", "save", "submit") for v in total.latencies.get(k, [])]
        rates[name] = len(writes) / seconds
        print(
            f"{name:<14}{rates[name]:>15.1f}{len(total.submitted) / seconds:>12.1f}"
            f"{percentile(writes, 0.99):>9.1f}{total.count('leaderboard') / seconds:>15.1f}"
        )
    drop = 1 - rates["with readers"] / rates["alone"] if rates["alone"] else 0.0
    verdict = "ok" if drop <= 0.2 else "MISSED"
    print(f"submission rate drop with 2 readers: {drop:.1%} (target <= 20 %) {verdict}")
    if merged.exhausted:
        print(
            f"warning: {merged.exhausted} submitter threads ran out of members "
            "(raise LMS_BENCH_MIXED_USERS)"
        )
    _errors(merged)


def main() -> None:
    folder = tempfile.mkdtemp(prefix="lms-bench-competitions-")
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    redis_url = os.environ.get("LMS_BENCH_REDIS_URL")
    prefix = f"bench-competitions:{uuid.uuid4().hex}:"
    app = _app(url, redis_url, prefix)
    started = time.perf_counter()
    with app.app_context():
        _reset(url)
        finish = _prepare_finish() if "finish" in SECTIONS else None
        board = _prepare_board() if SECTIONS & {"board", "mixed"} else None
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{backend}, boards in {'Redis' if redis_url else 'SQL'}; gunicorn {WORKERS} workers x "
        f"{THREADS} threads; client {CLIENTS} processes x {CLIENT_THREADS} threads on the same "
        f"{os.cpu_count()} cores; data prepared in {time.perf_counter() - started:.0f} s; "
        f"load average: {_load()}"
    )
    extra_env = {"LMS_REDIS_URL": redis_url, "LMS_RANKING_PREFIX": prefix} if redis_url else {}
    server, base = serve(url, folder, workers=WORKERS, threads=THREADS, extra_env=extra_env)
    try:
        if finish is not None:
            _finish(app, base, finish)
        if board is not None and "board" in SECTIONS:
            _board(app, base, board)
        if board is not None and "mixed" in SECTIONS:
            _mixed(base, board)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if redis_url:
            client = redis.Redis.from_url(redis_url)
            keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
            if keys:
                client.delete(*keys)
    print(f"\nload average after: {_load()}")


if __name__ == "__main__":
    main()

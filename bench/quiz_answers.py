"""1,000 members each save 20 answers and submit, against gunicorn with several workers.

The run has the shape of an exam: every member starts, then every member answers (each member's
20 saves one after another, 32 members at a time), then every member submits. Answer-save
throughput is the rate of the answering phase, printed as a ratio to a bare ``/healthz``
endpoint measured in the same run by the same client, with p50/p95/p99 latencies and the CPU
each side spent per request; then the database is checked: every acknowledged answer stored
exactly once, every attempt graded once.

    python -m bench.quiz_answers                      # SQLite in a temporary folder
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://lms:lms@127.0.0.1:5432/lms_bench \
        python -m bench.quiz_answers                  # PostgreSQL (the database must exist)

Targets (issue 5): ratio >= 0.25 on SQLite and >= 0.4 on PostgreSQL; zero lost or duplicated.
Settings: LMS_BENCH_MEMBERS (1000), LMS_BENCH_WORKERS (gunicorn processes, 2),
LMS_BENCH_THREADS (per worker, 2), LMS_BENCH_CLIENTS (client processes, 4) and
LMS_BENCH_CLIENT_THREADS (per client process, 8).
"""

from __future__ import annotations

import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from sqlalchemy import func, select

from bench import cpu
from bench.load import in_processes, percentile, serve
from lms.accounts.models import Role
from lms.accounts.services import org_units, tokens, users
from lms.app import create_app
from lms.core.extensions import db
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Attempt, AttemptItem
from quizzes.services import authoring
from quizzes.services.authoring import QuizSettings, SlotSpec

MEMBERS = int(os.environ.get("LMS_BENCH_MEMBERS", "1000"))
QUESTIONS = 20
WORKERS = int(os.environ.get("LMS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("LMS_BENCH_THREADS", "2"))
CLIENTS = int(os.environ.get("LMS_BENCH_CLIENTS", "4"))
CLIENT_THREADS = int(os.environ.get("LMS_BENCH_CLIENT_THREADS", "8"))


@dataclass
class Outcome:
    """What one client process saw: latencies per request kind, acknowledged saves, errors."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    acknowledged: list[tuple[int, int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def add(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds * 1000)

    def merge(self, other: Outcome) -> None:
        for kind, values in other.latencies.items():
            self.latencies.setdefault(kind, []).extend(values)
        self.acknowledged.extend(other.acknowledged)
        self.errors.extend(other.errors)


def _prepare(url: str) -> tuple[int, list[str]]:
    """A quiz of 20 single-choice questions and MEMBERS members with API tokens."""
    app = create_app("testing", DATABASE_URL=url, RATELIMIT_ENABLED=False)
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        category = categories.ensure_path("Bench")
        bank = [
            questions.create_question(
                category,
                QuestionContent(
                    type="single_choice",
                    stem_md=f"Bench question {n}?",
                    definition={
                        "options": [{"id": k, "text": f"Option {k} of {n}"} for k in "abcd"],
                        "correct": "abcd"[n % 4],
                    },
                ),
            )
            for n in range(QUESTIONS)
        ]
        quiz = authoring.create_quiz(
            QuizSettings(title="Bench quiz", time_limit_seconds=1800, max_attempts=1),
            [SlotSpec(question_id=q.id) for q in bank],
        )
        authoring.set_published(quiz, True)
        unit = org_units.ensure_unit_path("Bench/Branch")
        secrets = []
        for index in range(MEMBERS):
            member = users.create_user(
                username=f"bench{index}",
                password="bench-password",
                unit=unit,
                role=Role.MEMBER.value,
            )
            secrets.append(tokens.issue_api_token(member).secret)
        db.session.commit()
        return quiz.id, secrets


def _healthz_client(base: str, count: int) -> Outcome:
    outcome = Outcome()

    def run(n: int) -> None:
        session = requests.Session()
        for _ in range(n):
            start = time.perf_counter()
            response = session.get(f"{base}/healthz", timeout=30)
            outcome.add("healthz", time.perf_counter() - start)
            if response.status_code != 200:
                outcome.errors.append(f"healthz {response.status_code}")

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(run, [count // CLIENT_THREADS] * CLIENT_THREADS))
    return outcome


@dataclass(frozen=True)
class Plan:
    """One member's started attempt: the token, the attempt and the option chosen per slot."""

    secret: str
    attempt_id: int
    choices: list[tuple[int, str]]


_local = threading.local()


def _session() -> requests.Session:
    """One keep-alive connection per client thread, as a browser keeps one per tab."""
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def _timed(outcome: Outcome, kind: str, call: Callable[[], requests.Response]) -> requests.Response:
    start = time.perf_counter()
    response = call()
    outcome.add(kind, time.perf_counter() - start)
    return response


def _starts_client(base: str, quiz_id: int, secrets: list[str]) -> tuple[Outcome, list[Plan]]:
    outcome = Outcome()

    def start(secret: str) -> Plan | None:
        response = _timed(
            outcome,
            "start",
            lambda: _session().post(
                f"{base}/api/v1/quizzes/{quiz_id}/attempts",
                json={},
                headers={"Authorization": f"Bearer {secret}"},
                timeout=30,
            ),
        )
        if response.status_code not in (200, 201):
            outcome.errors.append(f"start {response.status_code} {response.text[:100]}")
            return None
        attempt = response.json()
        return Plan(
            secret,
            attempt["id"],
            [
                (item["slot"], item["options"][item["slot"] % len(item["options"])]["id"])
                for item in attempt["items"]
            ],
        )

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        plans = [plan for plan in pool.map(start, secrets) if plan is not None]
    return outcome, plans


def _saves_client(base: str, plans: list[Plan]) -> Outcome:
    """Each member answers their questions one after another; CLIENT_THREADS members at once."""
    outcome = Outcome()

    def answer(plan: Plan) -> None:
        headers = {"Authorization": f"Bearer {plan.secret}"}
        for slot, token in plan.choices:
            saved = _timed(
                outcome,
                "save",
                lambda slot=slot, token=token: _session().put(
                    f"{base}/api/v1/attempts/{plan.attempt_id}/answers/{slot}",
                    json={"answer": token, "sequence": 1},
                    headers=headers,
                    timeout=30,
                ),
            )
            if saved.status_code == 200:
                outcome.acknowledged.append((plan.attempt_id, slot, token))
            else:
                outcome.errors.append(f"save {saved.status_code} {saved.text[:100]}")

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(answer, plans))
    return outcome


def _submits_client(base: str, plans: list[Plan]) -> Outcome:
    outcome = Outcome()

    def submit(plan: Plan) -> None:
        submitted = _timed(
            outcome,
            "submit",
            lambda: _session().post(
                f"{base}/api/v1/attempts/{plan.attempt_id}/submit",
                headers={"Authorization": f"Bearer {plan.secret}"},
                timeout=30,
            ),
        )
        if submitted.status_code != 200:
            outcome.errors.append(f"submit {submitted.status_code} {submitted.text[:100]}")

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(submit, plans))
    return outcome


def _merged(results: list[Outcome]) -> Outcome:
    merged = Outcome()
    for result in results:
        merged.merge(result)
    return merged


def _verify(url: str, acknowledged: list[tuple[int, int, str]]) -> tuple[int, int, int]:
    """(lost, duplicated, attempts not graded once) according to the database."""
    app = create_app("testing", DATABASE_URL=url)
    with app.app_context():
        items = {
            (item.attempt_id, item.slot): item for item in db.session.scalars(select(AttemptItem))
        }
        lost = 0
        for attempt_id, slot, token in acknowledged:
            item = items.get((attempt_id, slot))
            expected = dict(item.choices["options"]).get(token) if item else None
            if item is None or item.response != expected:
                lost += 1
        duplicated = sum(1 for item in items.values() if item.sequence > 1)
        per_user = db.session.execute(
            select(Attempt.user_id, func.count()).group_by(Attempt.user_id)
        ).all()
        duplicated += sum(count - 1 for _user, count in per_user if count > 1)
        ungraded = db.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where((Attempt.state != "finished") | Attempt.score.is_(None))
        )
    return lost, duplicated, ungraded


@dataclass
class Phase:
    """One phase of the run: what the clients saw, how long it took, where the CPU went."""

    kind: str
    outcome: Outcome
    elapsed: float
    cpu_line: str

    @property
    def count(self) -> int:
        return len(self.outcome.latencies.get(self.kind, []))

    @property
    def rate(self) -> float:
        return self.count / self.elapsed


def _phase(kind: str, target: Callable[..., Any], argument_lists: list[tuple[Any, ...]]) -> Any:
    before = cpu.snapshot()
    results, elapsed = in_processes(target, argument_lists)
    after = cpu.snapshot()
    outcomes = [r[0] if isinstance(r, tuple) else r for r in results]
    merged = _merged(outcomes)
    phase = Phase(
        kind, merged, elapsed, cpu.per_request(before, after, len(merged.latencies.get(kind, [])))
    )
    return phase, results


def main() -> None:
    folder = tempfile.mkdtemp()
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    quiz_id, secrets = _prepare(url)
    server, base = serve(url, folder, workers=WORKERS, threads=THREADS)
    try:
        saves_total = MEMBERS * QUESTIONS
        bare, _ = _phase("healthz", _healthz_client, [(base, saves_total // CLIENTS)] * CLIENTS)
        shares = [secrets[index::CLIENTS] for index in range(CLIENTS)]
        starts, results = _phase("start", _starts_client, [(base, quiz_id, s) for s in shares])
        plans = [result[1] for result in results]
        saves, _ = _phase("save", _saves_client, [(base, share) for share in plans])
        submits, _ = _phase("submit", _submits_client, [(base, share) for share in plans])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    run = _merged([starts.outcome, saves.outcome, submits.outcome])
    lost, duplicated, ungraded = _verify(url, run.acknowledged)

    ratio = saves.rate / bare.rate
    target = 0.4 if backend == "PostgreSQL" else 0.25
    print(
        f"{backend}: {MEMBERS} members x {QUESTIONS} answers + start + submit; gunicorn "
        f"{WORKERS} workers x {THREADS} threads; client {CLIENTS} processes x {CLIENT_THREADS} "
        f"threads on the same 2 cores"
    )
    header = f"{'request':<10}{'count':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
    print(header)
    print("-" * len(header))
    for phase in (bare, starts, saves, submits):
        values = phase.outcome.latencies.get(phase.kind, [])
        print(
            f"{phase.kind:<10}{len(values):>8}{phase.rate:>9.0f}"
            f"{percentile(values, 0.5):>9.1f}{percentile(values, 0.95):>9.1f}"
            f"{percentile(values, 0.99):>9.1f}"
        )
    total = starts.elapsed + saves.elapsed + submits.elapsed
    print(
        f"all {MEMBERS} members started, answered and submitted in {total:.1f} s "
        "(target: within 60 s)"
    )
    verdict = "ok" if ratio >= target else "BELOW TARGET"
    print(f"save throughput / healthz throughput: {ratio:.2f} (target >= {target}) {verdict}")
    whole = saves.count / total
    print(
        f"for comparison, saves per second of the whole run (starts and submits included, as "
        f"measured before 2026-11-25): {whole:.0f}, {whole / bare.rate:.2f} x healthz"
    )
    print(
        f"acknowledged saves: {len(run.acknowledged)}; lost: {lost}; duplicated: {duplicated}; "
        f"attempts not graded: {ungraded}; errors: {len(run.errors)}"
    )
    for phase in (bare, starts, saves, submits):
        print(f"{phase.kind:<8}{phase.cpu_line}")
    for error in run.errors[:5]:
        print("  ", error)


if __name__ == "__main__":
    main()

"""A live hosted round on the app side: 2,000 players answer 10 questions, host-paced.

For each question the host opens it (``next``), every player answers once at a moment spread
evenly over a 4 s window (client processes on the same cores), the host closes it (``close``),
and the big screen's reveal is compared with the database. Printed: answer acknowledgement
p50/p95/max per question and overall, the time all players took, 0 lost or duplicated (every
acknowledged answer is in the database once), and the screen's distribution equal to the
database's counts.

With nginx + Nchan installed (``tests/push_tier.py`` starts it; ``LMS_BENCH_PUSH=0`` turns it
off) PLAYERS EventSource streams watch the session's channel (``bench/live_watch.py``, one
asyncio process) and the time from each ``next`` to each stream seeing the question is printed.

    python -m bench.live_round                 # SQLite in a temporary folder
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://lms:lms@127.0.0.1:5432/lms_bench \
        python -m bench.live_round             # PostgreSQL (the database must exist)

Targets (issue 16): acknowledgement p95 <= 300 ms with all players answering within 5 s;
0 lost or duplicated; distribution equal to the database. Settings: LMS_BENCH_PLAYERS (2000),
LMS_BENCH_QUESTIONS (10), LMS_BENCH_ANSWER_WINDOW (4 s: answers arrive evenly spread over it),
LMS_BENCH_WORKERS (2), LMS_BENCH_THREADS (4), LMS_BENCH_CLIENTS (4), LMS_BENCH_CLIENT_THREADS
(16).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade
from sqlalchemy import func, select

from bench.http_client import ERRORS, Client
from bench.load import free_port, in_processes, percentile, serve
from live.models import LiveAnswer, LiveSession
from live.services import sessions
from live.services.sessions import SessionSettings
from lms.accounts.models import Role
from lms.accounts.services import org_units, tokens, users
from lms.app import create_app
from lms.core.extensions import db
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from tests.push_tier import INSTALL, NCHAN_MODULE, nginx_binary, nginx_in_front

PLAYERS = int(os.environ.get("LMS_BENCH_PLAYERS", "2000"))
QUESTIONS = int(os.environ.get("LMS_BENCH_QUESTIONS", "10"))
WORKERS = int(os.environ.get("LMS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("LMS_BENCH_THREADS", "4"))
CLIENTS = int(os.environ.get("LMS_BENCH_CLIENTS", "4"))
CLIENT_THREADS = int(os.environ.get("LMS_BENCH_CLIENT_THREADS", "16"))
PUSH = os.environ.get("LMS_BENCH_PUSH", "1") != "0"  # through nginx + Nchan when installed
WINDOW = float(os.environ.get("LMS_BENCH_ANSWER_WINDOW", "4"))  # seconds the answers spread over


def _prepare(url: str) -> tuple[int, str, str, list[str]]:
    """A session of QUESTIONS single-choice questions with PLAYERS members joined: its id, the
    host's token, the screen token and the players' tokens."""
    app = create_app("testing", DATABASE_URL=url, RATELIMIT_ENABLED=False)
    with app.app_context():
        if url.startswith("postgresql"):
            db.drop_all()
            db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        category = categories.ensure_path("Bench")
        ids = [
            questions.create_question(
                category,
                QuestionContent(
                    type="single_choice",
                    stem_md=f"Live question {n}?",
                    definition={
                        "options": [{"id": k, "text": f"Option {k} of {n}"} for k in "abcd"],
                        "correct": "abcd"[n % 4],
                    },
                ),
            ).id
            for n in range(QUESTIONS)
        ]
        unit = org_units.ensure_unit_path("Bench/Branch")
        host = users.create_user(
            username="bench-host", password="bench-password", unit=unit, role=Role.ORGANIZER.value
        )
        session = sessions.create_session(
            host, SessionSettings(scoring="speed", seconds_per_question=30), question_ids=ids
        )
        secrets = []
        for index in range(PLAYERS):
            member = users.create_user(
                username=f"player{index}", password="bench-password", unit=unit
            )
            sessions.join(session.pin, user=member)
            secrets.append(tokens.issue_api_token(member).secret)
        host_secret = tokens.issue_api_token(host).secret
        db.session.commit()
        return session.id, host_secret, session.screen_token, secrets


def _answer_client(  # noqa: PLR0917 - one argument tuple per client process
    base: str, session_id: int, index: int, options: list[str], secrets: list[str], start: float
) -> dict[str, Any]:
    """Each player answers the open question once, at a moment drawn evenly over the window
    after ``start`` (the option ids came as the push tier would bring them: in the one
    published state); latencies of the answers."""
    latencies: list[float] = []
    acknowledged: list[tuple[str, str]] = []
    errors: list[str] = []
    path = f"/api/v1/live-sessions/{session_id}"

    def play(secret: str, moment: float) -> None:
        time.sleep(max(0.0, moment - time.time()))
        client = Client(base, secret)
        try:
            option = random.choice(options)
            start = time.perf_counter()
            answered = client.post(f"{path}/answers", json={"index": index, "answer": option})
            latencies.append((time.perf_counter() - start) * 1000)
            if answered.status_code == 200:
                acknowledged.append((secret, option))
            else:
                errors.append(f"answer {answered.status_code} {answered.text[:100]}")
        except ERRORS as error:
            errors.append(f"answer {error!r}")
        finally:
            client.close()

    moments = sorted(start + random.uniform(0, WINDOW) for _secret in secrets)
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(play, secrets, moments))
    return {"latencies": latencies, "acknowledged": acknowledged, "errors": errors}


def _database_counts(url: str, session_id: int, index: int) -> tuple[dict[str, int], int]:
    """The database's count per option id of question ``index``, and its answers in all."""
    app = create_app("testing", DATABASE_URL=url)
    with app.app_context():
        session = db.session.get(LiveSession, session_id)
        assert session is not None
        counts = {token: 0 for token, _real in session.questions[index].choices["options"]}
        rows = db.session.scalars(
            select(LiveAnswer.tokens).where(
                LiveAnswer.session_id == session_id, LiveAnswer.index == index
            )
        )
        total = 0
        for tokens_picked in rows:
            total += 1
            for token in tokens_picked:
                counts[token] += 1
        duplicated = db.session.scalar(
            select(func.count() - func.count(func.distinct(LiveAnswer.player_id))).where(
                LiveAnswer.session_id == session_id, LiveAnswer.index == index
            )
        )
        assert not duplicated
    return counts, total


@dataclass
class Run:
    """What the run saw: per question (number, answers, seconds, latencies), and in all."""

    rows: list[tuple[Any, int, float, list[float]]] = field(default_factory=list)
    everything: list[float] = field(default_factory=list)
    lost: int = 0
    mismatched: int = 0
    errors: list[str] = field(default_factory=list)
    delivery: list[float] | None = None


def _watchers(tier: Any, session_id: int, screen_token: str) -> subprocess.Popen[str]:
    """PLAYERS EventSource streams on the session's channel through nginx, all open."""
    base = tier.base_url.removeprefix("http://")
    host, port = base.split(":")
    watch = subprocess.Popen(
        [sys.executable, "-m", "bench.live_watch"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watch.stdin is not None and watch.stdout is not None
    path = f"/push/sub/live-{session_id}?token={screen_token}"
    watch.stdin.write(json.dumps({"host": host, "port": int(port), "path": path, "count": PLAYERS}))
    watch.stdin.write("\n")
    watch.stdin.flush()
    print(f"watchers: {watch.stdout.readline().strip()} (open, refused)")
    return watch


def _delivery(watch: subprocess.Popen[str], opened_at: dict[int, float]) -> list[float]:
    """Milliseconds from each ``next`` to each stream seeing its question."""
    assert watch.stdin is not None and watch.stdout is not None
    watch.stdin.write("stop\n")
    watch.stdin.flush()
    arrivals = json.loads(watch.stdout.readline())
    watch.wait(timeout=60)
    return [
        (moment - opened_at[int(index)]) * 1000
        for index, moments in arrivals.items()
        if int(index) in opened_at
        for moment in moments
    ]


def main() -> None:
    folder = tempfile.mkdtemp()
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    session_id, host_secret, screen_token, secrets = _prepare(url)
    push = PUSH and nginx_binary() is not None and NCHAN_MODULE.exists()
    publish_port = free_port()
    extra = {"LMS_PUSH_PUBLISH_URL": f"http://127.0.0.1:{publish_port}/push/pub"} if push else {}
    server, base = serve(url, folder, workers=WORKERS, threads=THREADS, extra_env=extra)
    host = Client(base, host_secret)
    path = f"/api/v1/live-sessions/{session_id}"
    run = Run()
    opened_at: dict[int, float] = {}
    stack = ExitStack()
    try:
        watch = None
        if push:
            tier = stack.enter_context(
                nginx_in_front(
                    base.removeprefix("http://"),
                    Path(folder) / "nginx",
                    connections=PLAYERS + 1024,
                    publish_port=publish_port,
                )
            )
            watch = _watchers(tier, session_id, screen_token)
        for index in range(QUESTIONS):
            opened_at[index] = time.time()
            opened = host.post(f"{path}/next").json()  # lobby or leaderboard -> the question
            options = [option["id"] for option in opened["question"]["options"]]
            start = time.time() + 0.5  # every client process is forked by then
            shares = [
                (base, session_id, index, options, secrets[n::CLIENTS], start)
                for n in range(CLIENTS)
            ]
            results, elapsed = in_processes(_answer_client, shares)
            host.post(f"{path}/close")
            screen = Client(base).get(f"{path}?token={screen_token}").json()
            host.post(f"{path}/next")  # the leaderboard
            latencies = [v for r in results for v in r["latencies"]]
            acknowledged = sum(len(r["acknowledged"]) for r in results)
            run.errors += [e for r in results for e in r["errors"]]
            counts, stored = _database_counts(url, session_id, index)
            run.lost += acknowledged - stored
            run.mismatched += screen["reveal"]["counts"] != counts
            run.everything += latencies
            run.rows.append((index + 1, acknowledged, elapsed, latencies))
        if watch is not None:
            run.delivery = _delivery(watch, opened_at)
    finally:
        host.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        stack.close()  # nginx after gunicorn, which may still publish
    _report(backend, run)


def _report(backend: str, run: Run) -> None:
    rows, everything, errors, delivery = run.rows, run.everything, run.errors, run.delivery
    print(
        f"{backend}: {PLAYERS} players x {QUESTIONS} questions; gunicorn {WORKERS} workers x "
        f"{THREADS} threads; client {CLIENTS} processes x {CLIENT_THREADS} threads, same 2 cores"
    )
    header = (
        f"{'question':<10}{'answers':>9}{'all in s':>10}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    print(header)
    print("-" * len(header))
    for number, count, elapsed, values in [*rows, ("all", len(everything), 0.0, everything)]:
        seconds = f"{elapsed:>10.1f}" if elapsed else f"{'':>10}"
        print(
            f"{number!s:<10}{count:>9}{seconds}{percentile(values, 0.5):>9.1f}"
            f"{percentile(values, 0.95):>9.1f}{max(values or [0.0]):>9.1f}"
        )
    slowest = max((elapsed for _n, _c, elapsed, _v in rows), default=0.0)
    p95 = percentile(everything, 0.95)
    print(
        f"acknowledgement p95 {p95:.0f} ms (target <= 300); slowest question answered by all in "
        f"{slowest:.1f} s (target <= 5)"
    )
    print(
        f"lost or duplicated: {run.lost} (target 0); screen distribution differing from the "
        f"database: {run.mismatched} of {QUESTIONS} questions (target 0); errors: {len(errors)}"
    )
    if delivery is None:
        print("delivery through nginx + Nchan: not measured (no push tier: LMS_BENCH_PUSH=0, or")
        print(f"  nginx with Nchan missing: {INSTALL})")
    else:
        expected = PLAYERS * QUESTIONS
        print(
            f"delivery of each question from the host's next to {PLAYERS} EventSource streams "
            f"through nginx + Nchan: p50 {percentile(delivery, 0.5):.0f} ms, p95 "
            f"{percentile(delivery, 0.95):.0f} ms (target <= 500), max "
            f"{max(delivery or [0.0]):.0f} ms (target <= 1000); {len(delivery)} of {expected} seen"
        )
    for error in errors[:5]:
        print("  ", error)


if __name__ == "__main__":
    main()

"""A live hosted round: LMS_BENCH_PLAYERS (2,000) phones through nginx + Nchan, 10 questions.

gunicorn (LMS_BENCH_WORKERS x LMS_BENCH_THREADS, default 2 x 2: one worker per core with two
threads, as docs/operations.md advises for two cores) behind nginx + Nchan
(``deploy/nginx/test.conf.template`` via ``tests.push_tier``); the app publishes each change
after its commit. One client process (``bench.live_round.players``) holds every phone's
EventSource stream and answers; this process is the host, pressing "next" through the API.
Printed, per question and overall: the time from the host's "next" to each phone receiving the
question (target p95 <= 500 ms, max <= 1 s); answer acknowledgements with every phone answering
within LMS_BENCH_ANSWER_WINDOW (4.5) seconds (target p95 <= 300 ms); lost or duplicated answers
(every acknowledged answer is in the database once: target 0); the big screen's distribution
against the database's counts; the memory of nginx and gunicorn while every phone listens.
Prints tables and asserts nothing.

    python -m bench.live_round                       # SQLite in a temporary folder
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://lms:lms@127.0.0.1:5432/lms_bench_live \\
    LMS_BENCH_REDIS_URL=redis://127.0.0.1:6379/13 python -m bench.live_round
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import requests
from flask import Flask
from sqlalchemy import func, select

from bench.live_round.data import prepare
from bench.load import ROOT, free_port, percentile, serve
from bench.memory import rss_mb
from live.models import LiveAnswer, LiveSession
from live.services import board
from lms.core.extensions import db
from tests.push_tier import nginx_in_front

PLAYERS = int(os.environ.get("LMS_BENCH_PLAYERS", "2000"))
QUESTIONS = int(os.environ.get("LMS_BENCH_QUESTIONS", "10"))
WINDOW = float(os.environ.get("LMS_BENCH_ANSWER_WINDOW", "4.5"))
WORKERS = int(os.environ.get("LMS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("LMS_BENCH_THREADS", "2"))


def _lines(process: subprocess.Popen[str]) -> Queue[str]:
    found: Queue[str] = Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            found.put(line.strip())

    threading.Thread(target=read, daemon=True).start()
    return found


def _wait_for(lines: Queue[str], prefix: str, seconds: float) -> str | None:
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except Empty:
            return None
        if line.startswith(prefix):
            return line
    return None


def _row(name: str, values: list[float], target: str = "") -> str:
    if not values:
        return f"{name:<34} {'-':>7}"
    return (
        f"{name:<34} {len(values):>7} {percentile(values, 0.5):>8.0f} "
        f"{percentile(values, 0.95):>8.0f} {max(values):>8.0f}  {target}"
    )


def main() -> None:
    folder = tempfile.mkdtemp(prefix="lms-bench-live-")
    url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
    redis_url = os.environ.get("LMS_BENCH_REDIS_URL")
    started = time.perf_counter()
    app, data = prepare(url, redis_url, PLAYERS, QUESTIONS)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{backend}{', Redis' if redis_url else ''}; gunicorn {WORKERS} workers x {THREADS} "
        f"threads; {PLAYERS} phones in one client process; {QUESTIONS} questions; "
        f"{os.cpu_count()} cores; data prepared in {time.perf_counter() - started:.0f} s"
    )
    publish_port = free_port()
    extra_env = {"LMS_PUSH_PUBLISH_URL": f"http://127.0.0.1:{publish_port}/push/pub"}
    if redis_url:
        extra_env["LMS_REDIS_URL"] = redis_url
    server, base = serve(url, folder, workers=WORKERS, threads=THREADS, extra_env=extra_env)
    host_auth = {"Authorization": f"Bearer {data['host_token']}"}
    try:
        with nginx_in_front(
            base.removeprefix("http://"),
            Path(folder) / "nginx",
            connections=3 * PLAYERS + 1024,  # streams, answers, and answers upstream
            publish_port=publish_port,
        ) as tier:
            host, port = tier.base_url.removeprefix("http://").split(":")
            phones = subprocess.Popen(
                [sys.executable, "-m", "bench.live_round.players"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert phones.stdin is not None
            lines = _lines(phones)
            spec = {
                "host": host,
                "port": int(port),
                "session_id": data["session_id"],
                "players": data["players"],
                "window": WINDOW,
            }
            phones.stdin.write(json.dumps(spec) + "\n")
            phones.stdin.flush()
            connected = _wait_for(lines, "connected", 120)
            print(f"phones subscribed: {connected}")
            memory = rss_mb([tier.pid, server.pid])
            sent_at: dict[int, float] = {}
            host_ms: list[float] = []
            session_url = f"{tier.base_url}/api/v1/live-sessions/{data['session_id']}"
            with requests.Session() as console:
                for index in range(QUESTIONS):
                    sent_at[index] = time.time()
                    pressed = time.perf_counter()
                    console.post(f"{session_url}/next", headers=host_auth, timeout=30)
                    host_ms.append((time.perf_counter() - pressed) * 1000)
                    done = _wait_for(lines, f"answered {index} ", WINDOW + 10)
                    if done is None:
                        print(f"question {index}: not every phone had an outcome in time")
                    console.post(f"{session_url}/next", headers=host_auth, timeout=30)  # reveal
                    time.sleep(0.3)
                    console.post(f"{session_url}/next", headers=host_auth, timeout=30)  # board
                console.post(f"{session_url}/next", headers=host_auth, timeout=30)  # finished
            time.sleep(0.5)
            phones.stdin.write("stop\n")
            phones.stdin.flush()
            seen = json.loads(_wait_for(lines, "{", 60) or "{}")
            phones.wait(timeout=30)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    _report(app, data["session_id"], seen, sent_at=sent_at, host_ms=host_ms, memory=memory)


def _report(
    app: Flask,
    session_id: int,
    seen: dict[str, Any],
    *,
    sent_at: dict[int, float],
    host_ms: list[float],
    memory: dict[str, float],
) -> None:
    received = {int(k): v for k, v in seen.get("received", {}).items()}
    acks = {int(k): v for k, v in seen.get("acks", {}).items()}
    refusals = {int(k): v for k, v in seen.get("answer_refusals", {}).items()}
    reveals = {int(k): v for k, v in seen.get("reveals", {}).items()}
    print("\n## per question (ms)")
    print(f"{'':<34} {'n':>7} {'p50':>8} {'p95':>8} {'max':>8}")
    every_delivery: list[float] = []
    every_ack: list[float] = []
    for index in sorted(sent_at):
        delivery = [(t - sent_at[index]) * 1000 for t in received.get(index, [])]
        every_delivery += delivery
        every_ack += acks.get(index, [])
        print(_row(f"q{index + 1} next -> phone has question", delivery))
        print(_row(f"q{index + 1} answer acknowledged", acks.get(index, [])))
    print("\n## all questions (ms)")
    print(f"{'':<34} {'n':>7} {'p50':>8} {'p95':>8} {'max':>8}  target")
    print(_row("next -> phone has the question", every_delivery, "p95 <= 500, max <= 1000"))
    print(_row("answer acknowledged", every_ack, "p95 <= 300"))
    print(_row("host's next answered", host_ms))
    missed = sum(PLAYERS - len(received.get(index, [])) for index in sent_at)
    print(f"questions a phone never received: {missed}")
    statuses = sorted({s for values in refusals.values() for s in values})
    print(f"answers refused: {sum(len(v) for v in refusals.values())} (statuses {statuses})")
    with app.app_context():
        stored = db.session.execute(
            select(LiveAnswer.index, func.count(), func.count(func.distinct(LiveAnswer.player_id)))
            .where(LiveAnswer.session_id == session_id)
            .group_by(LiveAnswer.index)
        ).all()
        by_index = {index: (rows, players) for index, rows, players in stored}
        lost = sum(max(0, len(acks.get(i, [])) - by_index.get(i, (0, 0))[0]) for i in sent_at)
        duplicated = sum(rows - players for rows, players in by_index.values())
        unacknowledged = sum(
            max(0, by_index.get(i, (0, 0))[0] - len(acks.get(i, []))) for i in sent_at
        )
        session = db.session.get(LiveSession, session_id)
        screens_right = sum(
            1 for i in sent_at if reveals.get(i) == board.counts(session, i) and reveals.get(i)
        )
    print(
        f"acknowledged answers missing from the database: {lost}; stored twice: {duplicated}; "
        f"stored without an acknowledgement: {unacknowledged} (target 0, 0)"
    )
    print(
        f"big screen's distribution equal to the database's counts: {screens_right}/{len(sent_at)}"
    )
    print("\n## memory while every phone listens (RSS, MB)")
    for name, value in memory.items():
        print(f"{name:<34} {value:>8.1f}")


if __name__ == "__main__":
    main()

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
- watchers: the mixed section's submitters alone and while LMS_BENCH_WATCHERS (5,000) members
  watch the live board through nginx + Nchan (bench/competition_load/watchers.py; needs nginx
  and libnginx-mod-nchan; not in the default sections).
- mixed: the same 10,000 entrants; 8 client threads start, answer and submit the round while
  2 threads read the leaderboard, against the 8 submitters alone, alternating phases of
  LMS_BENCH_MIXED_SECONDS (15) in the same run (target: the submission rate falls <= 20 %).

    python -m bench.competition_load                 # SQLite in a temporary folder, no Redis
    LMS_BENCH_DATABASE_URL=postgresql+psycopg://lms:lms@127.0.0.1:5432/lms_bench_comp \\
    LMS_BENCH_REDIS_URL=redis://127.0.0.1:6379/13 python -m bench.competition_load

The PostgreSQL database must exist; its tables are dropped first. Redis keys go under a fresh
prefix (LMS_RANKING_PREFIX for the server) and are deleted at the end. Other settings:
LMS_BENCH_BOARD_REQUESTS (per endpoint and round, 5,000), LMS_BENCH_MIXED_USERS (entrants who
submit in the mixed section, 8,000), LMS_BENCH_WORKERS (gunicorn processes, 2),
LMS_BENCH_THREADS (per worker, 2), LMS_BENCH_CLIENTS (client processes, 4) and
LMS_BENCH_CLIENT_THREADS (per client process, 8).
"""

from __future__ import annotations

import os
import signal
import tempfile
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

import redis

from bench.competition_load.clients import _load
from bench.competition_load.data import _app, _prepare_board, _prepare_finish, _reset
from bench.competition_load.sections import _board, _finish, _mixed
from bench.competition_load.settings import CLIENT_THREADS, CLIENTS, SECTIONS, THREADS, WORKERS
from bench.competition_load.watchers import WATCHERS, _watchers
from bench.load import free_port, serve
from tests.push_tier import nginx_in_front


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
        board = _prepare_board() if SECTIONS & {"board", "mixed", "watchers"} else None
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    print(
        f"{backend}, boards in {'Redis' if redis_url else 'SQL'}; gunicorn {WORKERS} workers x "
        f"{THREADS} threads; client {CLIENTS} processes x {CLIENT_THREADS} threads on the same "
        f"{os.cpu_count()} cores; data prepared in {time.perf_counter() - started:.0f} s; "
        f"load average: {_load()}"
    )
    extra_env = {"LMS_REDIS_URL": redis_url, "LMS_RANKING_PREFIX": prefix} if redis_url else {}
    publish_port = free_port()
    if "watchers" in SECTIONS:  # gunicorn publishes to nginx's publisher location
        extra_env["LMS_PUSH_PUBLISH_URL"] = f"http://127.0.0.1:{publish_port}/push/pub"
    server, base = serve(url, folder, workers=WORKERS, threads=THREADS, extra_env=extra_env)
    stack = ExitStack()
    try:
        if finish is not None:
            _finish(app, base, finish)
        if board is not None and "board" in SECTIONS:
            _board(app, base, board)
        if board is not None and "mixed" in SECTIONS:
            _mixed(base, board)
        if board is not None and "watchers" in SECTIONS:
            tier = stack.enter_context(
                nginx_in_front(
                    base.removeprefix("http://"),
                    Path(folder) / "nginx",
                    connections=WATCHERS + 1024,
                    publish_port=publish_port,
                )
            )
            _watchers(app, base, board, tier)
    finally:
        stack.close()
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

"""The mixed section with members watching the live board through the push tier.

nginx + Nchan (``deploy/nginx/test.conf.template``, started by ``tests.push_tier``) in front of the
benchmark's gunicorn, which publishes there (``LMS_PUSH_PUBLISH_URL``). The 8 submitter threads
of the mixed section run alone, then twice while LMS_BENCH_WATCHERS (5,000) members hold an
EventSource stream on the large competition's live board, then alone again (A B B A). Printed:
the submission rate in each phase, how many watchers subscribed (each asked the app once through
``/push/auth``), the connections nginx held open to gunicorn while they watched (sampled: that is
the app threads watchers hold, target 0), messages per watcher and their age on arrival, and what
building one board message costs (why messages are coalesced, ``lms.core.push``).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from typing import Any

from flask import Flask
from sqlalchemy import select

from bench import cpu
from bench.competition_load.clients import _errors, _load
from bench.competition_load.sections import _phase
from bench.competition_load.settings import MIXED_SECONDS, Outcome
from bench.load import ROOT, percentile
from competitions.models import Competition
from competitions.services import leaderboards
from competitions.services.live_messages import board_message
from lms.accounts.models import User
from lms.core.extensions import db
from tests.push_tier import PushTier

WATCHERS = int(os.environ.get("LMS_BENCH_WATCHERS", "5000"))
SECRET_KEY = "bench-only-secret"  # noqa: S105 - bench.load.serve's


def _cookies(app: Flask, count: int) -> list[str]:
    """Session cookies of ``count`` active members, signed as gunicorn signs them."""
    signer = Flask("bench-cookies")
    signer.secret_key = SECRET_KEY
    serializer = signer.session_interface.get_signing_serializer(signer)  # type: ignore[attr-defined]
    with app.app_context():
        rows = db.session.execute(
            select(User.id, User.session_nonce).where(User.is_active.is_(True)).limit(count)
        ).all()
    return [
        serializer.dumps({"_user_id": f"{uid}:{nonce}", "_fresh": False}) for uid, nonce in rows
    ]


def _build_cost(app: Flask, competition_id: int) -> tuple[float, int]:
    """Milliseconds to build one board message after a change (caches cold), and its size."""
    times, size = [], 0
    with app.app_context():
        competition = db.session.get(Competition, competition_id)
        for _n in range(10):
            leaderboards.clear_cache()
            started = time.perf_counter()
            size = len(board_message(competition))
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), size


class _Held:
    """Samples the connections nginx holds open to gunicorn (each would be an app thread)."""

    def __init__(self, app_port: int) -> None:
        self.port = app_port
        self.samples: list[int] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            out = subprocess.run(  # noqa: S603
                ["ss", "-Htnp", "state", "established", "dst", f"127.0.0.1:{self.port}"],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
            ).stdout
            self.samples.append(sum(1 for line in out.splitlines() if '"nginx"' in line))


def _watch(tier: PushTier, competition_id: int, cookies: list[str]) -> subprocess.Popen[str]:
    host, port = tier.base_url.removeprefix("http://").split(":")
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.competition_load.watch_clients"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    spec = {
        "host": host,
        "port": int(port),
        "path": f"/push/sub/competition-{competition_id}",
        "cookies": cookies,
    }
    process.stdin.write(json.dumps(spec) + "\n")
    process.stdin.flush()
    return process


def _watchers(app: Flask, base: str, data: dict[str, Any], tier: PushTier) -> None:
    print(f"\n## watchers: {WATCHERS} members on the live board through nginx + Nchan")
    print(f"load average before: {_load()}")
    build_ms, size = _build_cost(app, data["large"])
    print(
        f"one board message (top 50 people and units) built after a change: {build_ms:.1f} ms, "
        f"{size / 1024:.1f} KB; coalesced to at most one per "
        f"{app.config['PUSH_COALESCE_SECONDS']} s per worker"
    )
    cookies = _cookies(app, WATCHERS)
    pool = data["submitters"]
    quarter = len(pool) // 4
    results: dict[str, list[Outcome]] = {}
    spent: dict[str, list[cpu.Snapshot]] = {}
    held = _Held(int(base.rsplit(":", 1)[1]))

    def phase(n: int, name: str) -> None:
        before = cpu.snapshot()
        outcome = _phase(base, data, pool[n * quarter : (n + 1) * quarter], readers=False)
        results.setdefault(name, []).append(outcome)
        spent.setdefault(name, []).extend((before, cpu.snapshot()))

    phase(0, "alone")
    watchers = _watch(tier, data["large"], cookies)
    assert watchers.stdout is not None and watchers.stdin is not None
    connected, refused, seconds = watchers.stdout.readline().split()[1:]
    print(f"{connected} watchers subscribed in {seconds} s ({refused} refused or failed)")
    held.thread.start()
    phase(1, "with watchers")
    phase(2, "with watchers")
    held.stop.set()
    watchers.stdin.write("stop\n")
    watchers.stdin.flush()
    seen = json.loads(watchers.stdout.readline())
    watchers.wait(timeout=60)
    phase(3, "alone")
    _print(results, spent, held.samples, seen)


def _print(
    results: dict[str, list[Outcome]],
    spent: dict[str, list[cpu.Snapshot]],
    held: list[int],
    seen: dict[str, Any],
) -> None:
    seconds = MIXED_SECONDS * 2
    header = f"{'phase':<15}{'submissions/s':>15}{'finished/s':>12}{'p99 ms':>9}"
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
            f"{name:<15}{rates[name]:>15.1f}{len(total.submitted) / seconds:>12.1f}"
            f"{percentile(writes, 0.99):>9.1f}"
        )
    for name, snapshots in spent.items():
        print(f"{name:<15}{cpu.shares(snapshots)}")
    drop = 1 - rates["with watchers"] / rates["alone"] if rates["alone"] else 0.0
    verdict = "ok" if drop <= 0.2 else "MISSED"
    print(f"submission rate drop with {WATCHERS} watchers: {drop:.1%} (target <= 20 %) {verdict}")
    most = max(held, default=0)
    print(
        f"gunicorn connections held by nginx while they watched: max {most} over {len(held)} "
        f"samples (target 0) {'ok' if most == 0 else 'MISSED'}"
    )
    counts = seen["messages"]
    ages = seen["ages_ms"]
    if counts:
        print(
            f"messages per watcher: min {min(counts)}, median {statistics.median(counts):.0f}, "
            f"max {max(counts)}; age on arrival (sampled, ms): p50 {percentile(ages, 0.5):.0f}, "
            f"p95 {percentile(ages, 0.95):.0f}, max {max(ages, default=0):.0f}"
        )
    _errors(merged)

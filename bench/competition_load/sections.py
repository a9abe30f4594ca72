"""The three sections: finish, board, mixed."""

from __future__ import annotations

import time
from typing import Any

import requests
from flask import Flask
from sqlalchemy import event, select

from bench import cpu
from bench.competition_load.checks import (
    _board_mismatches,
    _close,
    _expected,
    _scored_once,
    _service_mismatches,
)
from bench.competition_load.clients import (
    _errors,
    _getter_client,
    _in_processes,
    _load,
    _mine_client,
    _participants_client,
    _reader,
    _submitter,
    _table,
    _threads,
)
from bench.competition_load.settings import (
    API_MAX_LIMIT,
    BOARD_REQUESTS,
    CLIENTS,
    ENTRANTS,
    MIXED_SECONDS,
    QUESTIONS,
    READER_THREADS,
    SMALL_ENTRANTS,
    SUBMITTER_PROCESSES,
    SUBMITTER_THREADS,
    TIMEOUT,
    Outcome,
)
from bench.load import percentile
from competitions.services import leaderboards
from lms.accounts.models import User
from lms.accounts.services import token_cache
from lms.core.extensions import db

# -- the three sections ----------------------------------------------------------------------


def _finish(app: Flask, base: str, data: dict[str, Any]) -> None:
    pairs = data["pairs"]
    print(f"\n## finish: {len(pairs)} participants; load average before: {_load()}")
    healthz = min(len(pairs) * 5, 10_000)
    bare, bare_elapsed = _in_processes(
        _getter_client, [(base, "healthz", "/healthz", [""], healthz // CLIENTS)] * CLIENTS
    )
    shares = [(base, data["quiz"], pairs[n::CLIENTS]) for n in range(CLIENTS)]
    before = cpu.snapshot()
    run, elapsed = _in_processes(_participants_client, shares)
    spent = cpu.per_request(before, cpu.snapshot(), len(pairs))
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
    print(
        f"per participant (start, {QUESTIONS} saves, submit): "
        f"{spent.replace('request', 'participant')}"
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
        if cold:  # every per-process memory: boards, competition facts, the bearer token
            leaderboards.clear_cache()
            token_cache.forget_all()
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
    # Small SQL boards count better rows (one statement more); large ones answer from a snapshot.
    grows = large[0] > small[0] or large[1] > small[1]
    same = "equal" if small == large else "fewer at the larger size"
    print(f"statements grow with the board: {'MISSED' if grows else f'no ({same})'}")
    secrets = [s for _u, s in data["readers"]]
    path = f"/api/v1/competitions/{data['large']}/leaderboard?scope=people&limit=50"
    totals: dict[str, tuple[list[float], float]] = {}
    merged = Outcome()
    order = [("healthz", "/healthz"), ("leaderboard top 50", path)]
    # A B B A, so a drift of the machine's speed during the section weighs on both alike.
    for kind, target in order + order[::-1]:
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
    # A B B A: a drift of the machine's speed during the section weighs on both phases alike.
    phases = [("alone", False), ("with readers", True), ("with readers", True), ("alone", False)]
    results: dict[str, list[Outcome]] = {}
    spent: dict[str, list[cpu.Snapshot]] = {}
    for n, (name, readers) in enumerate(phases):
        before = cpu.snapshot()
        results.setdefault(name, []).append(
            _phase(base, data, pool[n * quarter : (n + 1) * quarter], readers)
        )
        spent.setdefault(name, []).extend((before, cpu.snapshot()))
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
    for name, snapshots in spent.items():
        print(f"{name:<14}{cpu.shares(snapshots)}")
    drop = 1 - rates["with readers"] / rates["alone"] if rates["alone"] else 0.0
    verdict = "ok" if drop <= 0.2 else "MISSED"
    print(f"submission rate drop with 2 readers: {drop:.1%} (target <= 20 %) {verdict}")
    if merged.exhausted:
        print(
            f"warning: {merged.exhausted} submitter threads ran out of members "
            "(raise LMS_BENCH_MIXED_USERS)"
        )
    _errors(merged)

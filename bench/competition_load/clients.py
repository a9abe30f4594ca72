"""The clients that drive the server, and the printed tables."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.competition_load.settings import CLIENT_THREADS, TIMEOUT, Outcome
from bench.http_client import ERRORS, Client, Response
from bench.load import in_processes, percentile

# -- the server and the clients --------------------------------------------------------------


def _timed(outcome: Outcome, kind: str, call: Callable[[], Response]) -> Any:
    """The response's JSON when it succeeded, else None (the error is recorded)."""
    start = time.perf_counter()
    try:
        response = call()
    except ERRORS as error:
        outcome.errors.append(f"{kind} {type(error).__name__}")
        return None
    outcome.add(kind, time.perf_counter() - start)
    if response.status_code not in (200, 201):
        outcome.errors.append(f"{kind} {response.status_code} {response.text[:100]}")
        return None
    return response.json() if "json" in response.headers.get("content-type", "") else {}


def _session(base: str, secret: str | None) -> Client:
    return Client(base, secret or None, timeout=TIMEOUT)


def _take_part(base: str, quiz_id: int, username: str, secret: str, outcome: Outcome) -> None:
    """Start the round, answer its 3 questions (at random, so scores differ) and submit."""
    session = _session(base, secret)
    url = f"{base}/api/v1/quizzes/{quiz_id}/attempts"
    attempt = _timed(outcome, "start", lambda: session.post(url, json={}))
    if attempt is None:
        return
    rng = random.Random(username)
    for item in attempt["items"]:
        answer = {"answer": rng.random() < 0.6, "sequence": 1}
        url = f"{base}/api/v1/attempts/{attempt['id']}/answers/{item['slot']}"
        _timed(outcome, "save", lambda url=url, a=answer: session.put(url, json=a))
    url = f"{base}/api/v1/attempts/{attempt['id']}/submit"
    if _timed(outcome, "submit", lambda: session.post(url)) is not None:
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
        session = _session(base, secret)
        for _ in range(count // CLIENT_THREADS):
            _timed(outcome, kind, lambda: session.get(f"{base}{path}"))

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        list(pool.map(run, [secrets[n % len(secrets)] for n in range(CLIENT_THREADS)]))
    return outcome


def _mine_client(base: str, competition_id: int, pairs: list[tuple[str, str]]) -> Outcome:
    """Every participant's own row ("me") from the leaderboard endpoint."""
    outcome = Outcome()
    path = f"{base}/api/v1/competitions/{competition_id}/leaderboard?scope=people&limit=1"

    def ask(pair: tuple[str, str]) -> None:
        session = _session(base, pair[1])
        body = _timed(outcome, "leaderboard me", lambda: session.get(path))
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
    session = _session(base, secret)
    while time.time() < until:
        _timed(outcome, "leaderboard", lambda: session.get(f"{base}{path}"))
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

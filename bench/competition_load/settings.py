"""Sizes and settings from the environment, and what a client process reports."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

SECTIONS = set(os.environ.get("LMS_BENCH_SECTIONS", "finish,board,mixed").split(","))
PARTICIPANTS = int(os.environ.get("LMS_BENCH_PARTICIPANTS", "5000"))
ENTRANTS = int(os.environ.get("LMS_BENCH_ENTRANTS", "10000"))
SMALL_ENTRANTS = int(os.environ.get("LMS_BENCH_SMALL_ENTRANTS", "1000"))
BOARD_REQUESTS = int(os.environ.get("LMS_BENCH_BOARD_REQUESTS", "5000"))
MIXED_SECONDS = float(os.environ.get("LMS_BENCH_MIXED_SECONDS", "15"))
MIXED_USERS = int(os.environ.get("LMS_BENCH_MIXED_USERS", "8000"))
WORKERS = int(os.environ.get("LMS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("LMS_BENCH_THREADS", "2"))
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

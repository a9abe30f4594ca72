"""Time the foundation's hot pages in-process and print a table.

For each page: median and 95th-percentile time per request over N requests through the Flask
test client, SQL statements per request, at two data sizes (so growth shows as a ratio), against
the target. Run with ``make bench`` (SQLite in a temporary folder; set ``LMS_BENCH_DATABASE_URL``
to measure PostgreSQL). A bare endpoint (``/healthz``) is measured in the same run as a baseline.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade

from lms.accounts.models import Role
from lms.accounts.services import org_units, tokens, users
from lms.app import create_app
from lms.core.extensions import db

REQUESTS = int(os.environ.get("LMS_BENCH_REQUESTS", "200"))
SIZES = (100, 2000)
# Target per page: median milliseconds on one core of the reference machine (2 cores).
TARGET_MS = {"/healthz": 2, "/login": 10, "/": 15, "/admin/users/": 25, "/api/v1/me": 8}


def _populate(size: int) -> None:
    branches = [org_units.ensure_unit_path(f"Bench/Branch {b}/Group {g}") for b in range(10)
                for g in range(5)]  # fmt: skip
    for index in range(size):
        users.create_user(
            username=f"bench{size}_{index}",
            password="bench-password",
            unit=branches[index % len(branches)],
            role=Role.MEMBER.value,
        )
    db.session.commit()


def _measure(call: Callable[[], object], engine: object) -> tuple[float, float, float]:
    statements = 0

    def _count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", _count)
    timings = []
    try:
        for _ in range(REQUESTS):
            start = time.perf_counter()
            call()
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        event.remove(engine, "before_cursor_execute", _count)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    return statistics.median(timings), p95, statements / REQUESTS


def _pages(app: Flask, admin_id: str, token: str) -> list[tuple[str, Callable[[], object]]]:
    admin = app.test_client()
    with admin.session_transaction() as session:
        session["_user_id"] = admin_id
    guest = app.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    return [
        ("/healthz", lambda: guest.get("/healthz")),
        ("/login", lambda: guest.get("/login")),
        ("/", lambda: admin.get("/")),
        ("/admin/users/", lambda: admin.get("/admin/users/?q=bench")),
        ("/api/v1/me", lambda: guest.get("/api/v1/me", headers=bearer)),
    ]


def main() -> None:
    rows = []
    for size in SIZES:
        folder = tempfile.mkdtemp()
        url = os.environ.get("LMS_BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app("testing", DATABASE_URL=url, RATELIMIT_ENABLED=False)
        with app.app_context():
            upgrade()
            _populate(size)
            admin = users.create_user(
                username=f"benchadmin{size}", password="bench-password",
                unit=org_units.ensure_unit_path("Bench"), role=Role.ADMIN.value,
            )  # fmt: skip
            token = tokens.issue_api_token(admin).secret
            db.session.commit()
            admin_id = admin.get_id()
            engine = db.engine
        for path, call in _pages(app, admin_id, token):
            median, p95, queries = _measure(call, engine)
            rows.append((path, size, median, p95, queries, TARGET_MS[path]))
        if url.startswith("postgresql"):
            with app.app_context():
                db.drop_all()

    print(f"{REQUESTS} requests per page; times in ms; users in the database in column 'users'")
    header = f"{'page':<16}{'users':>7}{'median':>9}{'p95':>9}{'SQL/req':>9}{'target':>8}  verdict"
    print(header)
    print("-" * len(header))
    for path, size, median, p95, queries, target in rows:
        verdict = "ok" if median <= target else "SLOW"
        print(f"{path:<16}{size:>7}{median:>9.2f}{p95:>9.2f}{queries:>9.1f}{target:>8}  {verdict}")


if __name__ == "__main__":
    main()

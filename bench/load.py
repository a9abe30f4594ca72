"""Shared by the load benchmarks: gunicorn on a free port, client processes, percentiles."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(
    url: str, folder: str, *, workers: int, threads: int, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn serving the app on ``url``'s database; returns it with its base URL once up."""
    port = free_port()
    env = dict(
        os.environ,
        LMS_ENV="production",
        LMS_SECRET_KEY="bench-only-secret",
        LMS_DATABASE_URL=url,
        LMS_RATELIMIT_ENABLED="false",  # every simulated member comes from 127.0.0.1
        LMS_ACCESS_LOG="false",  # as gunicorn's: no log line per request in a benchmark
        LMS_INSTANCE_PATH=folder,
    )
    env.pop("LMS_REDIS_URL", None)
    env.update(extra_env or {})
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=5).ok:
                return server, base
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def in_processes(
    target: Callable[..., Any], argument_lists: list[tuple[Any, ...]]
) -> tuple[list[Any], float]:
    """Run ``target`` once per argument tuple, each in its own client process; elapsed seconds."""
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(len(argument_lists)) as pool:
        results = pool.starmap(target, argument_lists)
    return results, time.perf_counter() - start


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0

"""Under gunicorn with several workers, one scrape of /metrics counts every worker's requests.

Starts ``gunicorn -c deploy/gunicorn.conf.py`` (the shipped settings) with two workers on the
test database, sends requests on fresh connections and reads the sum from one scrape.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
COUNT = re.compile(
    r'lms_request_duration_seconds_count\{endpoint="home.health",method="GET"\} (\S+)'
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not listen within 30 s"
            time.sleep(0.1)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as answer:  # noqa: S310 - loopback
        return answer.read()


def test_one_scrape_sums_every_worker(app, db, tmp_path):
    port = _free_port()
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "LMS_ENV": "testing",
        "LMS_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "LMS_INSTANCE_PATH": str(tmp_path / "instance"),
        "LMS_BIND": f"127.0.0.1:{port}",
        "LMS_WORKERS": "2",
        "LMS_THREADS": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for_port(port)
        sent = 0
        deadline = time.monotonic() + 60
        while len(list(metrics_dir.glob("histogram_*.db"))) < 2:  # both workers answered
            assert time.monotonic() < deadline, "gunicorn did not start two answering workers"
            _get(f"{base}/healthz")
            sent += 1
        for _ in range(20):
            _get(f"{base}/healthz")
            sent += 1
        scraped = _get(f"{base}/metrics").decode()
    finally:
        server.terminate()
        server.wait(timeout=20)
    match = COUNT.search(scraped)
    assert match is not None, scraped[:2000]
    assert float(match.group(1)) == sent
    assert "lms_attempts_in_progress" in scraped

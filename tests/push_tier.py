"""nginx with Nchan in front of a test server: the push tier as production runs it.

:func:`nginx_in_front` starts nginx (Debian's ``nginx`` + ``libnginx-mod-nchan``) from
``deploy/nginx/test.conf.template`` (the same locations as ``deploy/nginx/lms.conf``) on free
loopback ports, with its pid, logs and temporary files under a folder of its own, in front of an
app server at ``host:port``. It never touches the system's nginx. The browser fixtures
``push_site`` and ``push_tier`` (tests/browser/conftest.py) and ``bench/`` use it.

Without nginx or the Nchan module the tests that need it are skipped, saying what to install;
with ``CI=true`` they fail instead, so CI never passes without having run them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template

import pytest

from lms.core import push

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx" / "test.conf.template"
NCHAN_MODULE = Path("/usr/lib/nginx/modules/ngx_nchan_module.so")
INSTALL = "apt-get install nginx libnginx-mod-nchan"


@dataclass(frozen=True)
class PushTier:
    """A running nginx: ``base_url`` serves the app and its subscriptions; the app publishes to
    ``publish_url`` (set it as ``PUSH_PUBLISH_URL``)."""

    base_url: str
    publish_url: str
    folder: Path
    pid: int


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def require_nginx() -> str:
    """nginx's path; skip the test (fail it under ``CI=true``) when nginx or Nchan is missing."""
    binary = nginx_binary()
    if binary is not None and NCHAN_MODULE.exists():
        return binary
    message = f"the push tier needs nginx with Nchan ({INSTALL})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def nginx_in_front(
    app_address: str | list[str],
    folder: Path,
    *,
    binary: str | None = None,
    connections: int = 1024,
    redis_url: str | None = None,
    publish_port: int | None = None,
    proxy_bind: str | None = None,
) -> Iterator[PushTier]:
    """Run nginx + Nchan in front of ``app_address`` (``127.0.0.1:5000``) until the block ends.

    With ``redis_url`` the channels live in Redis, so several nginx servers share them. Pass
    ``publish_port`` when the app must know where to publish before nginx starts, and
    ``proxy_bind`` (``127.0.0.2``) to tell nginx's connections to the app from any other."""
    binary = binary or require_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    port, publish_port = free_port(), publish_port or free_port()
    config = Template(TEMPLATE.read_text()).safe_substitute(
        folder=str(folder),
        connections=str(connections),
        redis_upstream=f"upstream lms_push_redis {{ nchan_redis_server {redis_url}; }}"
        if redis_url
        else "",
        redis_pass="nchan_redis_pass lms_push_redis;" if redis_url else "",
        proxy_bind=f"proxy_bind {proxy_bind};" if proxy_bind else "",
        # Several servers: nginx sends requests round-robin and fails over (``server a; server b``).
        app="; server ".join([app_address] if isinstance(app_address, str) else app_address),
        port=str(port),
        publish_port=str(publish_port),
    )
    conf = folder / "nginx.conf"
    conf.write_text(config)
    process = subprocess.Popen(
        [binary, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "stderr.log", "wb"),  # noqa: SIM115 - closed with the process
    )
    tier = PushTier(
        base_url=f"http://127.0.0.1:{port}",
        publish_url=f"http://127.0.0.1:{publish_port}/push/pub",
        folder=folder,
        pid=process.pid,
    )
    try:
        _wait_until_up(process, tier, folder)
        yield tier
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(process: subprocess.Popen[bytes], tier: PushTier, folder: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (folder / "stderr.log").read_text(errors="replace")
            raise RuntimeError(f"nginx did not start: {log}")
        try:  # the publisher answers 404 for an unknown path once nginx listens
            urllib.request.urlopen(tier.publish_url.rsplit("/push/", 1)[0] + "/", timeout=1)  # noqa: S310
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
            continue
        return
    raise RuntimeError("nginx did not start within 10 s")


def record_publishes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bytes]]:
    """Record what the app would POST to nginx's publisher as ``(url, body)``, sending nothing."""
    posts: list[tuple[str, bytes]] = []

    def post_all(url: str, items: list[tuple[str, bytes]]) -> None:
        posts.extend((f"{url.rstrip('/')}/{channel}", body) for channel, body in items)

    monkeypatch.setattr(push, "_post_all", post_all)
    return posts

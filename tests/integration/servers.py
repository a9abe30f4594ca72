"""Two gunicorn servers with instance folders of their own behind one nginx, as an operator runs
them on two machines: one PostgreSQL, one Redis, one shared upload folder (the shared mount).

:class:`SiteClient` is a person's browser on one address (nginx's, or one server's): it keeps
the cookies and fills the pages' own forms (``tests.formfill``) over real HTTP.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import requests
from werkzeug.datastructures import MultiDict

from tests.formfill import parse_forms
from tests.push_tier import free_port

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "two-servers-test-secret"


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"


def _wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn {server.name} exited with {server.process.returncode}")
        try:
            if requests.get(f"{server.url}/healthz", timeout=2).ok:
                return
        except requests.RequestException:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn {server.name} did not start")


@contextmanager
def two_servers(
    database_url: str, redis_url: str, folder: Path, push_publish_url: str | None = None
) -> Iterator[tuple[Server, Server]]:
    """Servers "a" and "b": own instance folders, the same database, Redis and upload folder."""
    uploads = folder / "shared-uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    started: list[Server] = []
    try:
        for name in ("a", "b"):
            port = free_port()
            env = {
                **os.environ,
                "LMS_ENV": "testing",
                "LMS_SECRET_KEY": SECRET_KEY,
                "LMS_DATABASE_URL": database_url,
                "LMS_REDIS_URL": redis_url,
                "LMS_INSTANCE_PATH": str(folder / f"instance-{name}"),
                "LMS_UPLOAD_FOLDER": str(uploads),
                "LMS_PROXY_COUNT": "1",
                "LMS_RATELIMIT_ENABLED": "false",  # every simulated member is 127.0.0.1
                "LMS_BIND": f"127.0.0.1:{port}",
                "LMS_WORKERS": "1",
                "LMS_THREADS": "8",
                "PROMETHEUS_MULTIPROC_DIR": str(folder / f"metrics-{name}"),
            }
            if push_publish_url:
                env["LMS_PUSH_PUBLISH_URL"] = push_publish_url
            process = subprocess.Popen(
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(folder / f"gunicorn-{name}.log", "wb"),  # noqa: SIM115
            )
            started.append(Server(name, port, process))
        for server in started:
            _wait_until_up(server)
        yield started[0], started[1]
    finally:
        for server in started:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGTERM)
        for server in started:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()


def kill_hard(server: Server) -> None:
    """``kill -9`` of the server's master and workers, as a machine that loses power."""
    for pid in _tree(server.process.pid):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    server.process.wait(timeout=10)


def _tree(pid: int) -> list[int]:
    found = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == pid:
            found.append(int(stat.parent.name))
    return found


class SiteClient:
    """A browser on ``base``: cookies, the pages' forms, and the API with its CSRF header."""

    def __init__(self, base: str, cookies: requests.cookies.RequestsCookieJar | None = None):
        self.base = base
        self.http = requests.Session()
        if cookies is not None:
            self.http.cookies.update(cookies)

    def on(self, base: str) -> SiteClient:
        """The same browser (same cookies) talking to another address."""
        return SiteClient(base, self.http.cookies)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(urljoin(self.base, path), timeout=30, **kwargs)

    def submit(
        self,
        path: str,
        changes: Mapping[str, Any] | None = None,
        *,
        form: str | None = None,
        page: str | None = None,
        files: Mapping[str, tuple[str, bytes]] | None = None,
    ) -> requests.Response:
        """Fill the form on the page at ``path`` (or in ``page``) and send it, as a person would."""
        if page is None:
            answer = self.get(path)
            assert answer.status_code == 200, (path, answer.status_code)
            page = answer.text
        forms = [f for f in parse_forms(page) if f.method == "post"]
        if form is not None:
            forms = [
                f
                for f in forms
                if form in (f.attrs.get("data-testid"), f.attrs.get("id"))
                or form in f.attrs.get("action", "")
            ]
        else:
            forms = [f for f in forms if f.attrs.get("action", "") in ("", path)]
        assert len(forms) == 1, (path, form, [f.attrs for f in forms])
        chosen = forms[0]
        sent: MultiDict[str, Any] = chosen.values()
        for name, value in (changes or {}).items():
            sent.setlist(name, value if isinstance(value, list) else [value])
        buttons = [c for c in chosen.controls if c.type == "submit" and c.name]
        if buttons:
            sent.add(buttons[0].name, buttons[0].value)
        target = urljoin(urljoin(self.base, path), chosen.attrs.get("action", "") or path)
        return self.http.post(
            target,
            data=list(sent.items(multi=True)),
            files={name: (filename, data) for name, (filename, data) in (files or {}).items()},
            allow_redirects=False,
            timeout=30,
        )

    def log_in(self, username: str, password: str) -> None:
        answer = self.submit("/login", {"username": username, "password": password})
        assert answer.status_code == 302, answer.text[:500]

"""Watchers hold no app thread: with 20 live pages and big screens open on a server of two
threads (as one gunicorn worker with ``--threads 2``), ``/healthz`` still answers at once.

Without the push tier (nginx + Nchan) the pages poll ``board.json`` with ETags; no request waits
for a change. An event stream would hold one of the two threads per open page, and the third
request would wait in the queue, as ``/healthz`` did in production. The SQLite pass runs the
embedded size (boards in SQL), the PostgreSQL pass the larger one (boards in Redis).
"""

from __future__ import annotations

import http.client
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import BaseWSGIServer

from lms.core.sqlite import set_read_only
from tests.browser.test_big_screen import running_competition
from tests.browser.test_member_journey import log_in
from tests.conftest import BACKEND
from tests.unit.competitions.test_redis_standings import redis_boards  # noqa: F401 (a fixture)

SERVER_THREADS = 2
MEMBERS = 10  # each on their own live page, plus as many big screens: 20 pages
PASSWORD = "member-pass-1"
# A held thread would keep /healthz waiting for a stream to end (minutes); 2 s tells that from
# a machine busy with the other test pass.
AT_ONCE_SECONDS = 2.0


class FixedThreadsServer(BaseWSGIServer):
    """A WSGI server with a fixed pool of request threads: a request that finds every thread
    busy waits in the queue, as in gunicorn's gthread worker. HTTP/1.0, one request per
    connection, so an idle browser connection holds no thread either."""

    def __init__(self, app: Flask, threads: int) -> None:
        super().__init__("127.0.0.1", 0, app)
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="app")

    def process_request(self, request: Any, client_address: Any) -> None:
        self.pool.submit(self._serve, request, client_address)

    def _serve(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # as socketserver does: log it and go on
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)


@pytest.fixture
def two_thread_site(app: Flask, csrf_enabled: None, db: Any) -> Iterator[str]:
    server = FixedThreadsServer(app, SERVER_THREADS)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    set_read_only(True)
    yield f"http://127.0.0.1:{server.server_port}"
    set_read_only(False)
    server.shutdown()
    server.pool.shutdown(cancel_futures=True)


def _seconds_to_answer(site: str, path: str) -> float:
    started = time.monotonic()
    connection = http.client.HTTPConnection(urlsplit(site).netloc, timeout=10)
    try:
        connection.request("GET", path)
        assert connection.getresponse().status == 200
    finally:
        connection.close()
    return time.monotonic() - started


def _open(page: Page, url: str, errors: list[str]) -> Page:
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page


def _twenty_watchers_and_healthz(browser: Browser, site: str, make_user, db) -> None:
    members = [
        make_user(username=f"watcher{n}", display_name=f"观众{n}", password=PASSWORD)
        for n in range(MEMBERS)
    ]
    competition, token = running_competition(members, "知识竞赛", "第一轮")
    db.session.commit()
    errors: list[str] = []
    contexts = [browser.new_context(locale="zh-CN") for _page in range(2 * MEMBERS)]
    try:
        pages = []
        for context, member in zip(contexts, members, strict=False):
            page = context.new_page()
            log_in(page, site, member.username, PASSWORD)
            expect(page).not_to_have_url(re.compile(r"/login"))
            pages.append(_open(page, f"{site}/competitions/{competition.id}/live", errors))
        for context in contexts[MEMBERS:]:
            pages.append(_open(context.new_page(), f"{site}/display/{token}", errors))
        for page in pages:  # each page's first poll has come back and was applied
            expect(page.locator("[data-live-board][data-updated]")).to_have_count(1)

        # All 20 pages are open and polling; the server still answers at once, every time.
        waits = []
        for _probe in range(6):
            waits.append(_seconds_to_answer(site, "/healthz"))
            time.sleep(0.5)
        assert max(waits) < AT_ONCE_SECONDS, waits
        assert _seconds_to_answer(site, f"/display/{token}/board.json") < AT_ONCE_SECONDS
    finally:
        for context in contexts:
            context.close()
    assert errors == []


@pytest.mark.skipif(BACKEND != "sqlite", reason="the embedded size: SQLite without Redis")
def test_twenty_live_pages_hold_no_server_thread(
    browser: Browser, two_thread_site: str, make_user, db
) -> None:
    _twenty_watchers_and_healthz(browser, two_thread_site, make_user, db)


@pytest.mark.skipif(BACKEND == "sqlite", reason="the larger size: PostgreSQL with Redis")
@pytest.mark.usefixtures("redis_boards")
def test_with_redis_twenty_live_pages_hold_no_server_thread(
    browser: Browser, two_thread_site: str, make_user, db
) -> None:
    _twenty_watchers_and_healthz(browser, two_thread_site, make_user, db)

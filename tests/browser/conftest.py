"""Browser tests: the app served from a thread, driven through Debian's Chromium.

pytest-playwright gives the ``page`` fixture; we point it at /usr/bin/chromium with the flags
that keep it off the network (see RECIPES.md). Every test here runs with CSRF on, as in real use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from werkzeug.serving import make_server

from lms.core.sqlite import set_read_only
from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.push_tier import PushTier, nginx_in_front

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are marked ``browser``, and one that fails runs once more: a real Chromium
    beside a second pass on two cores sometimes loses a race no user meets (a click before the
    page's script ran, found and fixed that way once). A second failure fails the run, and the
    summary lists every test that needed its second try ("RERUN"), to look into."""
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.flaky(reruns=1, reruns_delay=1))
            if item.get_closest_marker("timeout") is None:  # the slowest takes ~55 s in CI
                item.add_marker(pytest.mark.timeout(120))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": DESKTOP}


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def site(live_server: str, csrf_enabled: None, db: Any) -> Iterator[str]:
    """The running site's base URL, with CSRF checking on and a clean database.

    The test's own transactions start without the SQLite write lock, so the server's threads
    are never kept waiting by a test that only looks at the database.
    """
    set_read_only(True)
    yield live_server
    set_read_only(False)


@pytest.fixture(scope="session")
def push_tier(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PushTier]:
    """nginx + Nchan (``deploy/nginx/test.conf.template``) in front of ``live_server``, for the
    whole session; skipped when nginx or Nchan is missing (failed under ``CI=true``)."""
    address = live_server.removeprefix("http://")
    with nginx_in_front(address, tmp_path_factory.mktemp("nginx")) as tier:
        yield tier


@pytest.fixture
def push_site(app: Flask, push_tier: PushTier, site: str) -> Iterator[str]:
    """Like ``site``, but the base URL is nginx's and the push tier is on.

    Pages load through nginx, subscribe to their channels there (``/push/sub/<channel>``, asked
    of the app through ``/push/auth``), and the app publishes to nginx after each commit. Use it
    instead of ``site`` in a browser test of a live page on the push tier::

        def test_my_live_page(page, push_site, db): page.goto(f"{push_site}/live/...")
    """
    saved = {key: app.config.get(key) for key in ("PUSH_PUBLISH_URL", "PUSH_COALESCE_SECONDS")}
    app.config.update(PUSH_PUBLISH_URL=push_tier.publish_url, PUSH_COALESCE_SECONDS=0.2)
    yield push_tier.base_url
    app.config.update(saved)


@pytest.fixture
def browser_errors(page: Page) -> Iterator[list[str]]:
    """Console errors and uncaught exceptions (a CSP violation is one); a test asserts none."""
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield errors

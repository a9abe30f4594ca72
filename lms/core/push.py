"""The push tier: messages to live pages through nginx + Nchan, published after the commit.

Without ``LMS_PUSH_PUBLISH_URL`` (the embedded default) there is no push tier: :func:`publish`
does nothing and live pages poll with ETags. With it, nginx (Debian's ``libnginx-mod-nchan``)
holds every subscriber's connection; the app only POSTs each message to nginx's internal
publisher location once its transaction commits, so no app thread ever waits on a watcher.

Channels are named ``<kind>-<rest>`` (``competition-12``, ``live-7-screen``). A package that
publishes on a kind registers who may subscribe with :func:`register_channel`; Nchan asks the
app through its authorisation subrequest, which calls :func:`may_subscribe`.

:func:`publish_coalesced` is for messages that are costly to build and change many times a
second (a leaderboard while hundreds submit): after the commit it only marks the key; a
background thread of this process builds the message at most once per
``PUSH_COALESCE_SECONDS`` per key, after the last change it saw, and publishes it. A request never
builds or sends such a message itself, and the newest change is always sent.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from lms.core.extensions import db
from lms.core.pubsub import after_commit

log = logging.getLogger(__name__)

CHANNEL_PATTERN = re.compile(r"^([a-z]+)-([A-Za-z0-9_-]{1,80})$")
PUBLISH_TIMEOUT_SECONDS = 2.0

# kind -> (rest of the channel id) -> may the current user subscribe?
_authorisers: dict[str, Callable[[str], bool]] = {}

Message = dict[str, Any] | bytes
Builder = Callable[[], Iterable[tuple[str, Message]]]


def enabled() -> bool:
    """Whether a push tier is configured (pages subscribe) or not (pages poll)."""
    return bool(current_app.config.get("PUSH_PUBLISH_URL"))


def subscribe_url(channel: str) -> str | None:
    """The path a browser's EventSource subscribes to, or None without a push tier."""
    if not enabled():
        return None
    return f"{current_app.config['PUSH_SUBSCRIBE_PATH'].rstrip('/')}/{channel}"


def register_channel(kind: str, authorise: Callable[[str], bool]) -> None:
    """Let ``authorise(rest)`` decide who may subscribe to channels ``<kind>-<rest>``."""
    _authorisers[kind] = authorise


def may_subscribe(channel: str) -> bool:
    """Whether the current request's user may subscribe to ``channel`` (unknown kinds: no)."""
    match = CHANNEL_PATTERN.match(channel)
    if match is None:
        return False
    authorise = _authorisers.get(match.group(1))
    return authorise is not None and authorise(match.group(2))


def publish(channel: str, message: dict[str, Any] | bytes) -> None:
    """Send ``message`` to every subscriber of ``channel`` once the transaction commits.

    Dropped on rollback, and a no-op without a push tier. A failed publish is logged and never
    undoes the commit: pages also re-read their state on a slow poll, so they catch up.
    """
    url = current_app.config.get("PUSH_PUBLISH_URL")
    if not url:
        return
    if CHANNEL_PATTERN.match(channel) is None:
        raise ValueError(f"not a channel id: {channel!r}")
    body = message if isinstance(message, bytes) else _dumps(message)
    target = f"{url.rstrip('/')}/{channel}"
    after_commit(lambda: _post(target, body))


def publish_coalesced(key: str, build: Builder) -> None:
    """Once the transaction commits, have ``build()`` make and send the messages for ``key``.

    ``build`` runs later in a background thread of this process, inside an application context
    of its own, and returns ``(channel, message)`` pairs. Many calls for one key within
    ``PUSH_COALESCE_SECONDS`` lead to one build, started after the newest of them: the pages get
    the latest state, at most a fraction of a second late. Dropped on rollback; a no-op
    without a push tier.
    """
    if not current_app.config.get("PUSH_PUBLISH_URL"):
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: _coalescer(app).mark(key, build))


@dataclass
class _Pending:
    build: Builder
    timer: threading.Timer


class _Coalescer:
    """Per application and process: keys whose messages are due, and when each was last sent."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.lock = threading.Lock()
        self.pending: dict[str, _Pending] = {}
        self.sent_at: dict[str, float] = {}

    def mark(self, key: str, build: Builder) -> None:
        with self.lock:
            pending = self.pending.get(key)
            if pending is not None:  # a build is due already and will see this change too
                pending.build = build
                return
            every = float(self.app.config.get("PUSH_COALESCE_SECONDS", 0.5))
            delay = max(0.0, self.sent_at.get(key, 0.0) + every - time.monotonic())
            timer = threading.Timer(delay, self._run, args=(key,))
            timer.daemon = True
            self.pending[key] = _Pending(build, timer)
        timer.start()

    def _run(self, key: str) -> None:
        with self.lock:  # a change from now on schedules the next build
            pending = self.pending.pop(key)
            self.sent_at[key] = time.monotonic()
            if len(self.sent_at) > 10_000:
                self.sent_at.clear()
        url = str(self.app.config.get("PUSH_PUBLISH_URL") or "").rstrip("/")
        with self.app.app_context():
            try:
                messages = list(pending.build())
            except Exception:  # a thread of its own: log, the pages catch up on their poll
                log.exception("push: building the messages of %s failed", key)
                return
            finally:
                db.session.remove()
        for channel, message in messages:
            if url and CHANNEL_PATTERN.match(channel):
                _post(
                    f"{url}/{channel}", message if isinstance(message, bytes) else _dumps(message)
                )


def _coalescer(app: Flask) -> _Coalescer:
    coalescer = app.extensions.get("lms_push_coalescer")
    if coalescer is None:
        coalescer = app.extensions.setdefault("lms_push_coalescer", _Coalescer(app))
    return coalescer


def _post(url: str, body: bytes) -> None:
    request = urllib.request.Request(  # noqa: S310 - an operator-configured http(s) URL
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=PUBLISH_TIMEOUT_SECONDS):  # noqa: S310
            pass
    except (urllib.error.URLError, TimeoutError, OSError):
        log.exception("push: publishing to %s failed; pages catch up on their next poll", url)


def _dumps(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()

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
``PUSH_COALESCE_SECONDS`` per key, after the last change it saw, and publishes it. With Redis,
the workers of every server take turns (a key in Redis per interval), so a busy board goes out
once per interval in all, not once per worker. A request never builds or sends such a message
itself, and the newest change is always sent.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask, current_app

from lms.core.extensions import db
from lms.core.pubsub import after_commit, redis_client

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
    after_commit(lambda: _post_all(url, [(channel, body)]))


def publish_each(messages: Iterable[tuple[str, Message]]) -> None:
    """:func:`publish` for many channels at once (a message per bucket of players): sent one
    after the other on one kept-alive connection to nginx after the commit."""
    url = current_app.config.get("PUSH_PUBLISH_URL")
    if not url:
        return
    items = []
    for channel, message in messages:
        if CHANNEL_PATTERN.match(channel) is None:
            raise ValueError(f"not a channel id: {channel!r}")
        items.append((channel, message if isinstance(message, bytes) else _dumps(message)))
    if items:
        after_commit(lambda: _post_all(url, items))


def publish_coalesced(key: str, build: Builder) -> None:
    """Once the transaction commits, have ``build()`` make and send the messages for ``key``.

    ``build`` runs later in a background thread of this process, inside an application context
    of its own, and returns ``(channel, message)`` pairs. Many calls for one key within
    ``PUSH_COALESCE_SECONDS`` lead to one build, started after the newest of them: the pages get
    the latest state, at most ``PUSH_COALESCE_SECONDS`` late. Dropped on rollback; a no-op
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
        every = float(self.app.config.get("PUSH_COALESCE_SECONDS", 2.0))
        with self.lock:
            pending = self.pending.get(key)
            if pending is not None:  # a build is due already and will see this change too
                pending.build = build
                return
            delay = max(0.0, self.sent_at.get(key, 0.0) + every - time.monotonic())
        self._later(key, build, delay)

    def _run(self, key: str) -> None:
        with self.lock:  # a change from now on schedules the next build
            pending = self.pending.pop(key)
            self.sent_at[key] = time.monotonic()
            if len(self.sent_at) > 10_000:
                self.sent_at.clear()
        url = str(self.app.config.get("PUSH_PUBLISH_URL") or "").rstrip("/")
        with self.app.app_context():
            try:
                wait = self._turn_taken(key)
                if wait:  # another worker sent this key just now: send ours after its interval
                    self._later(key, pending.build, wait)
                    return
                messages = list(pending.build())
            except Exception:  # a thread of its own: log, the pages catch up on their poll
                log.exception("push: building the messages of %s failed", key)
                return
            finally:
                db.session.remove()
        if url:
            _post_all(
                url,
                [
                    (channel, message if isinstance(message, bytes) else _dumps(message))
                    for channel, message in messages
                    if CHANNEL_PATTERN.match(channel)
                ],
            )

    def _turn_taken(self, key: str) -> float:
        """With Redis, one worker of all sends a key per interval: 0.0 when this one may send
        now, else the seconds until the interval of the worker that did ends."""
        client = redis_client()
        if client is None:
            return 0.0
        every = float(self.app.config.get("PUSH_COALESCE_SECONDS", 2.0))
        name = f"{self.app.config.get('PUSH_REDIS_PREFIX', 'lms:push:')}{key}"
        try:
            if client.set(name, "1", nx=True, px=max(1, int(every * 1000))):
                return 0.0
            return max(0.05, client.pttl(name) / 1000)
        except redis.RedisError:
            log.exception("push: Redis unavailable; this worker sends on its own")
            return 0.0

    def _later(self, key: str, build: Builder, delay: float) -> None:
        """Build and send ``key``'s messages in ``delay`` seconds (unless that is due already)."""
        with self.lock:
            if key in self.pending:  # a newer change is due already
                return
            timer = threading.Timer(delay, self._run, args=(key,))
            timer.daemon = True
            self.pending[key] = _Pending(build, timer)
        timer.start()


def _coalescer(app: Flask) -> _Coalescer:
    coalescer = app.extensions.get("lms_push_coalescer")
    if coalescer is None:
        coalescer = app.extensions.setdefault("lms_push_coalescer", _Coalescer(app))
    return coalescer


def _dumps(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()


def _post_all(url: str, items: list[tuple[str, bytes]]) -> None:
    """POST each ``(channel, body)`` to the publisher at ``url`` on one kept-alive connection
    (a new connection per message costs more than the message); failures are logged."""
    if not items:
        return
    parts = urllib.parse.urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.netloc, timeout=PUBLISH_TIMEOUT_SECONDS)
    channel = items[0][0]
    try:
        for channel, body in items:
            connection.request(
                "POST",
                f"{parts.path.rstrip('/')}/{channel}",
                body=body,
                headers={"Content-Type": "application/json"},
            )
            connection.getresponse().read()
    except (http.client.HTTPException, OSError) as error:
        target = f"{url.rstrip('/')}/{channel}"
        log.warning(
            "push: publishing to %s failed (%s); pages catch up on their poll", target, error
        )
    finally:
        connection.close()

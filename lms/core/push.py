"""The push tier: messages to live pages through nginx + Nchan, published after the commit.

Without ``LMS_PUSH_PUBLISH_URL`` (the embedded default) there is no push tier: :func:`publish`
does nothing and live pages poll with ETags. With it, nginx (Debian's ``libnginx-mod-nchan``)
holds every subscriber's connection; the app only POSTs each message to nginx's internal
publisher location once its transaction commits, so no app thread ever waits on a watcher.

Channels are named ``<kind>-<rest>`` (``competition-12``, ``live-7-screen``). A package that
publishes on a kind registers who may subscribe with :func:`register_channel`; Nchan asks the
app through its authorisation subrequest, which calls :func:`may_subscribe`.
"""

from __future__ import annotations

import json
import logging
import re
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from flask import current_app

from lms.core.pubsub import after_commit

log = logging.getLogger(__name__)

CHANNEL_PATTERN = re.compile(r"^([a-z]+)-([A-Za-z0-9_-]{1,80})$")
PUBLISH_TIMEOUT_SECONDS = 2.0

# kind -> (rest of the channel id) -> may the current user subscribe?
_authorisers: dict[str, Callable[[str], bool]] = {}


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

"""Per-process copies of rarely edited facts that hot requests read, each kept a bounded time.

A worker answers from its copy for at most ``seconds``, so an edit made by another worker shows
within that time. The process that makes an edit forgets the copy as the edit is flushed, and
again at commit, so a request that read the old row between the flush and the commit does not
keep it. Keys hold the database engine too, so two apps in one process (tests) never share.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from lms.core.extensions import db

V = TypeVar("V")


class ProcessMemo(Generic[V]):
    """``get(key, load)``: the value remembered for ``key``, or ``load()``'s. None ("there is no
    such thing") is remembered only with ``keep_none``: something created later under the same
    key must then also forget it."""

    def __init__(self, seconds: float, *, keep_none: bool, limit: int = 4096) -> None:
        self.seconds = seconds
        self._keep_none = keep_none
        self._limit = limit
        self._values: dict[tuple[Any, Hashable], tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        full_key = (db.engine, key)
        now = time.monotonic()
        found = self._values.get(full_key)
        if found is not None and now - found[0] < self.seconds:
            return found[1]
        value = load()
        if value is None and not self._keep_none:
            return value
        with self._lock:
            if len(self._values) >= self._limit:
                self._values.clear()
            self._values[full_key] = (now, value)
        return value

    def forget(self, matches: Callable[[Hashable], bool] | None = None) -> None:
        """Forget the keys ``matches`` accepts (every key without it)."""
        with self._lock:
            if matches is None:
                self._values.clear()
                return
            for full_key in [k for k in self._values if matches(k[1])]:
                del self._values[full_key]

"""Per-process copies of rarely edited facts that hot requests read, kept while they are true.

A memo keeps each value with the version of its ``topic`` (``lms.core.stamps``) it was loaded
under and answers from it only while that version is current, so an edit committed by any
worker applies at once in every worker, for the price of reading the versions (once per
request, shared by every memo). A transaction that edited the topic loads fresh and remembers
nothing until it commits. Keys hold the database engine too, so two apps in one process (tests
simulating two servers) never share a memory.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from lms.core import stamps
from lms.core.extensions import db

V = TypeVar("V")


class ProcessMemo(Generic[V]):
    """``get(key, load)``: the value remembered for ``key``, or ``load()``'s. None ("there is no
    such thing") is remembered only with ``keep_none``."""

    def __init__(self, *, topic: str, keep_none: bool, limit: int = 4096) -> None:
        self.topic = topic
        self._keep_none = keep_none
        self._limit = limit
        self._values: dict[tuple[Any, Hashable], tuple[int, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, load: Callable[[], V]) -> V:
        if stamps.changed_here(self.topic):
            return load()
        version = stamps.current(self.topic)  # read before loading: never older than it
        full_key = (db.engine, key)
        found = self._values.get(full_key)
        if found is not None and found[0] == version:
            return found[1]
        value = load()
        if value is None and not self._keep_none:
            return value
        with self._lock:
            if len(self._values) >= self._limit:
                self._values.clear()
            self._values[full_key] = (version, value)
        return value

    def forget(self, matches: Callable[[Hashable], bool] | None = None) -> None:
        """Forget the keys ``matches`` accepts (every key without it)."""
        with self._lock:
            if matches is None:
                self._values.clear()
                return
            for full_key in [k for k in self._values if matches(k[1])]:
                del self._values[full_key]

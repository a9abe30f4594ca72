"""The interface every storage back end offers, and what it answers with."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, BinaryIO

from flask import has_app_context
from flask_babel import gettext as _

from lms.core.errors import DomainError

CHUNK = 1024 * 1024
# A key is a relative path of plain parts: letters, digits and ``._-``, separated by ``/``.
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}(/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}){0,7}")


class StorageUnavailableError(DomainError):
    """The storage could not be reached or refused an operation (answered with a 503)."""

    code = "storage_unavailable"
    status = 503

    def __init__(self, detail: str) -> None:
        english = "The file storage is not available. Please try again later."
        super().__init__(
            _("The file storage is not available. Please try again later.")
            if has_app_context()
            else english
        )
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})"


@dataclass(frozen=True)
class StoredObject:
    """One stored file, as :meth:`Storage.list` names it."""

    key: str
    size: int
    modified_at: datetime  # aware, UTC


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage(ABC):
    """Files by key. Keys are relative paths (``ab/abcdef.png``, ``pending-imports/x.gift``).

    Every method raises :class:`StorageUnavailableError` when the storage fails, and
    ``FileNotFoundError`` when a file asked for is not there (``delete`` and ``exists`` never).
    """

    name: str

    @abstractmethod
    def save(self, key: str, stream: IO[bytes]) -> int:
        """Store ``stream`` (read in chunks, from its current position) under ``key``, replacing
        what was there; the number of bytes stored. A reader never sees half a file."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """The file for reading: seekable, so byte ranges are a ``seek`` and a ``read``."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; nothing happens when there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        """Every stored file whose key starts with ``prefix``, in key order, with its size."""

    def read(self, key: str) -> bytes:
        with self.open(key) as file:
            return file.read()

    def read_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` inclusive (as in an HTTP Range header)."""
        with self.open(key) as file:
            file.seek(start)
            return file.read(max(0, end - start + 1))

    def signed_url(
        self, key: str, *, download_name: str, content_type: str, inline: bool
    ) -> str | None:
        """A short-lived address a browser may fetch the file from directly, or None when the
        back end has none (or is not set to give them): the app then serves the file itself."""
        return None

"""Files in a folder: the default, and on several servers a shared mount (NFS, as Moodle's
dataroot). A file is written beside its place and renamed into it, so it appears whole."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, BinaryIO

from lms.core.storage.base import CHUNK, Storage, StorageUnavailableError, StoredObject, check_key

TEMPORARY = ".partial-"  # files being written; never listed


class FolderStorage(Storage):
    name = "folder"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def save(self, key: str, stream: IO[bytes]) -> int:
        target = self.path(key)
        partial = target.with_name(f"{TEMPORARY}{secrets.token_hex(8)}")
        size = 0
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with partial.open("wb") as out:
                while chunk := stream.read(CHUNK):
                    out.write(chunk)
                    size += len(chunk)
            partial.replace(target)
        except OSError as error:
            raise StorageUnavailableError(str(error)) from error
        finally:
            partial.unlink(missing_ok=True)
        return size

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except FileNotFoundError:
            raise
        except OSError as error:
            raise StorageUnavailableError(str(error)) from error

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StorageUnavailableError(str(error)) from error

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def size(self, key: str) -> int:
        try:
            return self.path(key).stat().st_size
        except FileNotFoundError:
            raise
        except OSError as error:
            raise StorageUnavailableError(str(error)) from error

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        if not self.root.is_dir():
            return
        found = []
        for folder, _dirs, files in os.walk(self.root):
            for name in files:
                if name.startswith(TEMPORARY):
                    continue
                path = Path(folder) / name
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    found.append((key, path))
        for key, path in sorted(found):
            try:
                stat = path.stat()
            except FileNotFoundError:  # deleted while listing
                continue
            yield StoredObject(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def empty(self) -> None:
        """Remove every file (tests)."""
        shutil.rmtree(self.root, ignore_errors=True)

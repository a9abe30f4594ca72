"""The archive: a plain tar file, written as a stream and checked whole before use.

    database/0001-org_units.jsonl.gz   one member per table, in the order rows can be inserted
    files/<key>                        every stored file, byte for byte
    manifest.json                      what is inside: schema revision, row counts, checksums
    manifest.sha256                    the manifest's own checksum

The tar is not compressed as a whole (tables are, one by one; videos and images would not
shrink), so reading one member never needs those before it, and a changed byte is found by
the member's SHA-256 in the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from lms.core.storage import check_key

FORMAT = "lms-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
DATABASE = "database/"
FILES = "files/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore was refused; the message says why and what to do."""


@contextmanager
def on_disk(stream: IO[bytes]) -> Iterator[str]:
    """A private temporary copy of an archive read from ``stream`` (say, standard input), for
    the restore, which reads an archive twice: checked whole first, then loaded. The copy is
    readable by its owner only, and gone afterwards."""
    with tempfile.NamedTemporaryFile(prefix="lms-restore-", suffix=".tar") as copy:
        shutil.copyfileobj(stream, copy, CHUNK)
        copy.flush()
        yield copy.name


class _Hashing(io.RawIOBase):
    """Reads through to ``stream``, keeping a SHA-256 of what was read."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._stream.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)


@dataclass
class ArchiveWriter:
    """Adds members to a tar stream and remembers each one's size and checksum."""

    tar: tarfile.TarFile
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, name: str, stream: IO[bytes], size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o644
        reader = _Hashing(stream)
        self.tar.addfile(info, reader)
        self.members[name] = {"size": size, "sha256": reader.digest.hexdigest()}

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "members": self.members}
        text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")
        self.add(MANIFEST, io.BytesIO(text), len(text))
        digest = hashlib.sha256(text).hexdigest().encode("ascii") + b"\n"
        self.add(MANIFEST_SUM, io.BytesIO(digest), len(digest))


def file_member(key: str) -> str:
    return FILES + key


def verify(path: str) -> dict[str, Any]:
    """Read the whole archive, check every member against the manifest; the manifest.

    Raises :class:`BackupError` naming the first problem: not an archive of ours, a member
    missing, extra or changed."""
    found: dict[str, str] = {}
    manifest_text = b""
    manifest_sum = ""
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if not member.isfile():
                    raise BackupError(f"unexpected entry {member.name!r}: not a backup archive")
                stream = _open(tar, member)
                if member.name == MANIFEST:
                    manifest_text = stream.read()
                    found[member.name] = hashlib.sha256(manifest_text).hexdigest()
                    continue
                if member.name == MANIFEST_SUM:
                    manifest_sum = stream.read().decode("ascii", "replace").strip()
                    continue
                digest = hashlib.sha256()
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                found[member.name] = digest.hexdigest()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error})") from error
    if not manifest_text:
        raise BackupError(f"{path} has no {MANIFEST}: not a backup archive of this platform")
    if found[MANIFEST] != manifest_sum:
        raise BackupError(f"{MANIFEST} does not match its checksum: the archive is damaged")
    try:
        manifest = json.loads(manifest_text)
    except ValueError as error:
        raise BackupError(f"{MANIFEST} is not readable: {error}") from error
    _check_manifest(manifest, found)
    return manifest


def _check_manifest(manifest: Any, found: dict[str, str]) -> None:
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a backup archive of this platform")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"archive format version {manifest.get('format_version')} is not supported "
            f"(this code reads version {FORMAT_VERSION})"
        )
    members = manifest.get("members") or {}
    found = {name: digest for name, digest in found.items() if name != MANIFEST}
    missing = sorted(set(members) - set(found))
    extra = sorted(set(found) - set(members))
    if missing or extra:
        raise BackupError(
            f"the archive is incomplete or altered: missing {missing[:5]}, unexpected {extra[:5]}"
        )
    for name, digest in found.items():
        if members[name].get("sha256") != digest:
            raise BackupError(f"{name} does not match its checksum: the archive is damaged")
        if name.startswith(FILES):
            try:
                check_key(name.removeprefix(FILES))
            except ValueError as error:
                raise BackupError(f"{name}: {error}") from error
        elif not name.startswith(DATABASE):
            raise BackupError(f"unexpected member {name!r}")


def _open(tar: tarfile.TarFile, member: tarfile.TarInfo) -> BinaryIO:
    stream = tar.extractfile(member)
    if stream is None:
        raise BackupError(f"{member.name} is not a file: not a backup archive")
    return stream  # type: ignore[return-value]


def members(path: str) -> Iterator[tuple[str, BinaryIO]]:
    """Each data member (tables, then files) with a stream of its bytes, in archive order."""
    with tarfile.open(path, "r:") as tar:
        for member in tar:
            if member.name in (MANIFEST, MANIFEST_SUM):
                continue
            yield member.name, _open(tar, member)

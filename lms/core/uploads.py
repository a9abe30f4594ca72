"""Uploaded files: checked by content, kept in the storage (lms.core.storage), served by token.

A file is accepted only when its first bytes match its extension's format (a PNG named .pdf is
refused), and each purpose has its own size limit. Files are served with their real content
type, ``nosniff``, range requests (so phones can seek in videos) and a ``Content-Disposition``
that downloads everything but images and video.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, BinaryIO

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.core.errors import DomainError, ValidationError
from lms.core.extensions import db
from lms.core.storage import get_storage, written_in_transaction


class TooLargeError(DomainError):
    code = "too_large"
    status = 413


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    inline: bool  # shown in the page (images, video) rather than downloaded

    def matches(self, head: bytes) -> bool:
        return _SIGNATURES[self.extension](head)


def _zip(head: bytes) -> bool:
    return head.startswith(b"PK\x03\x04")


def _text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is fine.
        return error.start >= len(head) - 3 and b"\x00" not in head
    return b"\x00" not in head


_SIGNATURES = {
    "png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "gif": lambda h: h.startswith((b"GIF87a", b"GIF89a")),
    "webp": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP",
    "mp4": lambda h: h[4:8] == b"ftyp",
    "webm": lambda h: h.startswith(b"\x1a\x45\xdf\xa3"),
    "mp3": lambda h: h.startswith(b"ID3") or (len(h) > 1 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0),
    "ogg": lambda h: h.startswith(b"OggS"),
    "wav": lambda h: h[:4] == b"RIFF" and h[8:12] == b"WAVE",
    "m4a": lambda h: h[4:8] == b"ftyp",
    "pdf": lambda h: h.startswith(b"%PDF-"),
    "docx": _zip,
    "xlsx": _zip,
    "pptx": _zip,
    "txt": _text,
}
TYPES = {
    t.extension: t
    for t in (
        FileType("png", "image/png", True),
        FileType("jpg", "image/jpeg", True),
        FileType("jpeg", "image/jpeg", True),
        FileType("gif", "image/gif", True),
        FileType("webp", "image/webp", True),
        FileType("mp4", "video/mp4", True),
        FileType("webm", "video/webm", True),
        FileType("mp3", "audio/mpeg", True),
        FileType("ogg", "audio/ogg", True),
        FileType("wav", "audio/wav", True),
        FileType("m4a", "audio/mp4", True),
        FileType("pdf", "application/pdf", False),
        FileType(
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            False,
        ),
        FileType(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False
        ),
        FileType(
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            False,
        ),
        FileType("txt", "text/plain; charset=utf-8", False),
    )
}
# purpose -> (extensions accepted, config key of the size limit in megabytes)
PURPOSES = {
    "image": ({"png", "jpg", "jpeg", "gif", "webp"}, "UPLOAD_IMAGE_MB"),
    "audio": ({"mp3", "ogg", "wav", "m4a"}, "UPLOAD_ATTACHMENT_MB"),
    "video": ({"mp4", "webm"}, "UPLOAD_VIDEO_MB"),
    "attachment": (
        {"pdf", "docx", "xlsx", "pptx", "txt", "png", "jpg", "jpeg"},
        "UPLOAD_ATTACHMENT_MB",
    ),
}


class Upload(db.Model):
    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    filename: Mapped[str] = mapped_column(String(200))
    extension: Mapped[str] = mapped_column(String(10))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # What the file belongs to when no row points at it: "question" for the images of
    # questions (linked from their text). Course files are known by the rows pointing here.
    scope: Mapped[str | None] = mapped_column(String(20))

    @property
    def file_type(self) -> FileType:
        return TYPES[self.extension]

    @property
    def key(self) -> str:
        """Where the file is in the storage."""
        return storage_key(self.token, self.extension)

    def open(self) -> BinaryIO:
        """The stored file, seekable (FileNotFoundError when it is gone)."""
        return get_storage().open(self.key)


def storage_key(token: str, extension: str) -> str:
    return f"{token[:2]}/{token}.{extension}"


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip() or "file"
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[:200] or "file"


def purpose_of(filename: str) -> str | None:
    """The purpose whose kinds include the file's extension (images first), if any."""
    extension = Path(filename or "").suffix.lower().lstrip(".")
    return next((name for name, (kinds, _key) in PURPOSES.items() if extension in kinds), None)


def _limit(purpose: str) -> int:
    return int(current_app.config[PURPOSES[purpose][1]]) * 1024 * 1024


def check_head(head: bytes, filename: str, purpose: str) -> str:
    """The file's extension, once its kind and first bytes are right for ``purpose``."""
    extensions = PURPOSES[purpose][0]
    extension = Path(filename or "").suffix.lower().lstrip(".")
    if extension not in extensions:
        raise ValidationError(
            _(
                "This kind of file is not accepted here. Accepted: %(kinds)s.",
                kinds=", ".join(sorted(extensions)),
            )
        )
    if not head:
        raise ValidationError(_("The file is empty."))
    if not TYPES[extension].matches(head):
        raise ValidationError(_("The file's content is not a .%(ext)s file.", ext=extension))
    return extension


def check_file(data: bytes, filename: str, purpose: str) -> None:
    """What :func:`save_upload` would refuse in a file held in memory, without storing it."""
    check_head(data[:512], filename, purpose)
    if len(data) > _limit(purpose):
        raise TooLargeError(_("The file is larger than %(n)d MB.", n=_limit(purpose) // 1048576))


def save_upload(
    stream: IO[bytes],
    filename: str,
    purpose: str,
    created_by_id: int | None = None,
    *,
    scope: str | None = None,
) -> Upload:
    """Check and store an uploaded file for ``purpose`` (image, audio, video or attachment).

    The file is kept only if the transaction commits: a refused form leaves nothing behind."""
    head = stream.read(512)
    extension = check_head(head, filename, purpose)
    limit = _limit(purpose)
    digest = hashlib.sha256()
    size = 0
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as checked:
        chunk = head
        while chunk:
            size += len(chunk)
            if size > limit:
                raise TooLargeError(
                    _("The file is larger than %(n)d MB.", n=limit // (1024 * 1024))
                )
            digest.update(chunk)
            checked.write(chunk)
            chunk = stream.read(1024 * 1024)
        checked.seek(0)
        token = secrets.token_urlsafe(16).replace("-", "x").replace("_", "y")
        upload = Upload(
            token=token,
            filename=_safe_name(filename),
            extension=extension,
            size=size,
            sha256=digest.hexdigest(),
            created_by_id=created_by_id,
            scope=scope,
        )
        db.session.add(upload)
        db.session.flush()  # the transaction is open: the file is tied to it
        written_in_transaction(db.session(), upload.key)
        get_storage().save(upload.key, checked)
    return upload


def upload_by_token(token: str) -> Upload | None:
    return db.session.scalar(select(Upload).where(Upload.token == token))


def unused_uploads(created_before: datetime) -> list[Upload]:
    """Uploads older than ``created_before`` that no row points at (through any foreign key to
    ``uploads.id``) and that belong to no scope: a replaced cover, a removed attachment, a video
    staged for a form that was never saved."""
    table = Upload.__table__
    query = select(Upload).where(Upload.created_at < created_before, Upload.scope.is_(None))
    for other in db.metadata.sorted_tables:
        for key in other.foreign_keys:
            if key.column.table is table and key.column.name == "id":
                query = query.where(~select(key.parent).where(key.parent == Upload.id).exists())
    return list(db.session.scalars(query))


def stray_keys(modified_before: datetime, *, skip_prefix: str) -> list[str]:
    """Stored files of no upload (a write whose transaction never ended, a crash), older than
    ``modified_before``; keys starting with ``skip_prefix`` belong to someone else."""
    known = set(db.session.scalars(select(Upload.token)))
    strays = []
    for stored in get_storage().list():
        if stored.key.startswith(skip_prefix) or stored.modified_at >= modified_before:
            continue
        token = stored.key.rsplit("/", 1)[-1].split(".", 1)[0]
        if token not in known:
            strays.append(stored.key)
    return strays

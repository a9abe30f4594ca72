"""Lesson videos: an upload whose length is read from the file itself (never typed by the
author), kept while its form is corrected, or an embed from an allow-listed host."""

from __future__ import annotations

import math
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import mutagen
from flask import current_app
from flask_babel import gettext as _

from courses.models import CourseItem
from lms.accounts.models import User
from lms.core.errors import ValidationError
from lms.core.extensions import db
from lms.core.uploads import PURPOSES, TooLargeError, Upload, save_upload, upload_by_token

# mutagen raises its own errors for most damaged files, and plain ones for some truncated ones.
_UNREADABLE = (mutagen.MutagenError, OSError, ValueError, EOFError, IndexError, KeyError)


def video_seconds(source: Upload | Path) -> int:
    """The length in whole seconds (at least 1) of a stored audio or video upload (read from
    the storage: on S3 only the parts mutagen reads are fetched) or of a local file."""
    try:
        if isinstance(source, Upload):
            with source.open() as file:
                media = mutagen.File(file)
        else:
            media = mutagen.File(source)
    except _UNREADABLE:
        media = None
    length = float(getattr(getattr(media, "info", None), "length", 0) or 0)
    if not math.isfinite(length) or length <= 0:
        raise ValidationError(
            _("The video's length could not be read from the file: upload an MP4 video."),
            field="video_file",
        )
    return max(1, round(length))


def stage_video(stream: IO[bytes], filename: str, user: User) -> Upload:
    """Store a chosen video at once, so that a form sent back for correction keeps it."""
    try:
        upload = save_upload(stream, filename, "video", created_by_id=user.id)
    except (ValidationError, TooLargeError) as error:
        error.field = "video_file"  # shown next to the file field
        raise
    video_seconds(upload)
    return upload


def staged_video(token: str | None, user: User) -> Upload | None:
    """The video ``user`` staged under ``token``; None for anything else."""
    upload = upload_by_token(token) if token else None
    if upload is None or upload.created_by_id != user.id:
        return None
    return upload if upload.extension in PURPOSES["video"][0] else None


def check_embed_url(url: str) -> str:
    """An https URL on an allow-listed video host (``LMS_VIDEO_EMBED_HOSTS``)."""
    parts = urlsplit(url.strip())
    hosts = tuple(current_app.config["VIDEO_EMBED_HOSTS"])
    if parts.scheme != "https" or parts.hostname not in hosts:
        raise ValidationError(
            _(
                "Videos can be embedded only from https addresses on: %(hosts)s.",
                hosts=", ".join(hosts),
            ),
            field="video_url",
        )
    return url.strip()[:500]


def set_lesson_video(
    item: CourseItem,
    *,
    upload: Upload | None = None,
    url: str | None = None,
    remove: bool = False,
    allows_reading: bool = False,
) -> CourseItem:
    """Give a lesson an uploaded or embedded video, or remove it.

    An uploaded video's length is read from its file: members complete the lesson by watching
    90 % of it, unless ``allows_reading``. An embedded player cannot tell the site how much was
    watched, so a lesson with an embed completes by reading.
    """
    if remove:
        item.video, item.video_url, item.video_seconds = None, None, None
    if upload is not None:
        item.video_seconds = video_seconds(upload)
        item.video, item.video_url = upload, None
    elif url:
        item.video, item.video_url = None, check_embed_url(url)
        item.video_seconds = None
    item.video_allows_reading = allows_reading
    db.session.flush()
    return item

"""Where uploaded files live: one interface, two back ends.

``LMS_STORAGE_BACKEND=folder`` (default) keeps files in ``LMS_UPLOAD_FOLDER`` (``uploads`` in
the instance folder when unset; on several servers a shared mount). ``LMS_STORAGE_BACKEND=s3``
keeps them in the bucket ``LMS_S3_BUCKET`` of S3-compatible object storage
(``LMS_S3_ENDPOINT_URL``, ``LMS_S3_REGION``, keys under ``LMS_S3_PREFIX``; credentials from the
standard AWS environment variables or files). With ``LMS_S3_SIGNED_URL_SECONDS`` above 0, files
are handed out as short-lived signed addresses after the app's access check.

    store = get_storage()
    store.save("ab/abcdef.png", stream)
    for stored in store.list():            # every file with its size: backups
        with store.open(stored.key) as file:
            ...

A file written while a transaction is open can be tied to it with :func:`written_in_transaction`:
when the transaction does not commit (a refused form, an error), the file is deleted again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from lms.core.config import ConfigError
from lms.core.storage.base import Storage, StorageUnavailableError, StoredObject, check_key
from lms.core.storage.folder import FolderStorage

__all__ = [
    "FolderStorage",
    "Storage",
    "StorageUnavailableError",
    "StoredObject",
    "check_key",
    "get_storage",
    "make_storage",
    "signed_url_origins",
    "written_in_transaction",
]

_EXTENSION = "lms_storage"
_PENDING = "lms_storage_pending"
log = logging.getLogger(__name__)


def make_storage(app: Flask) -> Storage:
    """The storage the app's settings describe."""
    config = app.config
    backend = (config.get("STORAGE_BACKEND") or "folder").lower()
    if backend == "folder":
        folder = config.get("UPLOAD_FOLDER") or f"{app.instance_path}/uploads"
        return FolderStorage(folder)
    if backend == "s3":
        if not config.get("S3_BUCKET"):
            raise ConfigError("LMS_S3_BUCKET must be set when LMS_STORAGE_BACKEND=s3.")
        from lms.core.storage.s3 import S3Storage  # noqa: PLC0415 - boto3 only when used

        return S3Storage(
            config["S3_BUCKET"],
            prefix=config.get("S3_PREFIX") or "",
            endpoint_url=config.get("S3_ENDPOINT_URL"),
            region=config.get("S3_REGION"),
            signed_url_seconds=int(config.get("S3_SIGNED_URL_SECONDS") or 0),
            addressing_style=config.get("S3_ADDRESSING_STYLE") or "path",
        )
    raise ConfigError(f"LMS_STORAGE_BACKEND must be folder or s3, not {backend!r}.")


def signed_url_origins(config: Mapping[str, Any]) -> tuple[str, ...]:
    """Where browsers fetch files from when they are handed signed addresses (for the CSP)."""
    if (config.get("STORAGE_BACKEND") or "folder").lower() != "s3":
        return ()
    if not int(config.get("S3_SIGNED_URL_SECONDS") or 0):
        return ()
    endpoint = config.get("S3_ENDPOINT_URL")
    bucket, region = config.get("S3_BUCKET"), config.get("S3_REGION") or "us-east-1"
    if endpoint:
        parts = urlsplit(endpoint)
        virtual = config.get("S3_ADDRESSING_STYLE") == "virtual"
        return (f"{parts.scheme}://{bucket + '.' if virtual else ''}{parts.netloc}",)
    return (f"https://{bucket}.s3.amazonaws.com", f"https://{bucket}.s3.{region}.amazonaws.com")


def get_storage() -> Storage:
    """The current app's storage (made once per app)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    store = app.extensions.get(_EXTENSION)
    if store is None:
        store = app.extensions[_EXTENSION] = make_storage(app)
    return store


def written_in_transaction(session: Session, key: str) -> None:
    """Delete the file ``key`` again unless the session's current transaction commits."""
    session.info.setdefault(_PENDING, []).append((get_storage(), key))


@event.listens_for(Session, "after_commit")
def _keep(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    for store, key in session.info.pop(_PENDING, []):
        try:
            store.delete(key)
        except StorageUnavailableError:
            log.warning("A file of a transaction that did not commit stayed: %s", key)

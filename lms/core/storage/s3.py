"""Files in S3-compatible object storage (AWS S3, MinIO, Ceph, Aliyun OSS, ...) through boto3.

Credentials come from the standard AWS places (``AWS_ACCESS_KEY_ID`` and
``AWS_SECRET_ACCESS_KEY``, ``~/.aws/credentials``, an instance role). Reads are seekable: a
read after a seek asks for the rest of the object from there (one ranged GET), so a video's
byte ranges and a reader that jumps around (mutagen reading a video's length) fetch only what
they read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC
from typing import IO, Any, BinaryIO
from urllib.parse import quote

import boto3
from botocore.client import Config as BotoConfig
from botocore.exceptions import BotoCoreError, ClientError

from lms.core.storage.base import Storage, StorageUnavailableError, StoredObject, check_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


def _failure(error: Exception, key: str) -> Exception:
    if isinstance(error, ClientError) and error.response.get("Error", {}).get("Code") in _MISSING:
        return FileNotFoundError(key)
    return StorageUnavailableError(str(error))


class _ObjectReader(io.RawIOBase):
    """A seekable, read-only view of one object."""

    def __init__(self, storage: S3Storage, key: str, size: int) -> None:
        self._storage, self._key, self._size = storage, key, size
        self._position = 0
        self._body: Any = None  # the open GET, streaming from _position

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._drop()
            self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size or not len(buffer):
            return 0
        if self._body is None:
            self._body = self._storage._get(self._key, f"bytes={self._position}-")
        try:
            data = self._body.read(len(buffer))
        except (BotoCoreError, OSError) as error:
            self._drop()
            raise StorageUnavailableError(str(error)) from error
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._drop()
        super().close()


class S3Storage(Storage):
    name = "s3"

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        signed_url_seconds: int = 0,
        addressing_style: str = "path",
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.signed_url_seconds = signed_url_seconds
        self.client = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=BotoConfig(
                signature_version="s3v4",
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
                s3={"addressing_style": addressing_style if endpoint_url else "auto"},
            ),
        )

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _get(self, key: str, byte_range: str) -> Any:
        try:
            answer = self.client.get_object(
                Bucket=self.bucket, Key=self._name(key), Range=byte_range
            )
        except (BotoCoreError, ClientError) as error:
            raise _failure(error, key) from error
        return answer["Body"]

    def save(self, key: str, stream: IO[bytes]) -> int:
        counted = _Counting(stream)
        try:
            self.client.upload_fileobj(counted, self.bucket, self._name(key))
        except (BotoCoreError, ClientError) as error:
            raise _failure(error, key) from error
        return counted.count

    def open(self, key: str) -> BinaryIO:
        return io.BufferedReader(_ObjectReader(self, key, self.size(key)), 256 * 1024)  # type: ignore[return-value]

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except (BotoCoreError, ClientError) as error:
            raise _failure(error, key) from error

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except (BotoCoreError, ClientError) as error:
            raise _failure(error, key) from error
        return int(head["ContentLength"])

    def list(self, prefix: str = "") -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        try:
            for page in pages:
                for entry in page.get("Contents", []):
                    yield StoredObject(
                        entry["Key"][len(self.prefix) :],
                        int(entry["Size"]),
                        entry["LastModified"].astimezone(UTC),
                    )
        except (BotoCoreError, ClientError) as error:
            raise _failure(error, prefix) from error

    def signed_url(
        self, key: str, *, download_name: str, content_type: str, inline: bool
    ) -> str | None:
        if not self.signed_url_seconds:
            return None
        disposition = "inline" if inline else "attachment"
        try:
            return str(
                self.client.generate_presigned_url(
                    "get_object",
                    Params={
                        "Bucket": self.bucket,
                        "Key": self._name(key),
                        "ResponseContentType": content_type,
                        "ResponseContentDisposition": (
                            f"{disposition}; filename*=UTF-8''{quote(download_name)}"
                        ),
                    },
                    ExpiresIn=self.signed_url_seconds,
                )
            )
        except (BotoCoreError, ClientError) as error:
            raise _failure(error, key) from error


class _Counting(io.RawIOBase):
    """A stream that counts what was read from it."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream, self.count = stream, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.count += len(data)
        return data

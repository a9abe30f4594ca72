"""Storage fixtures: a local S3-compatible server (moto's server mode, on a free port of
127.0.0.1) and ``storage_backend``, which runs a test once per back end (folder and S3)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from lms.core.storage import FolderStorage, Storage

BACKENDS = ("folder", "s3")


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """The address of a moto S3 server for this test session, with fake credentials set."""
    from moto.server import ThreadedMotoServer  # noqa: PLC0415 - a test-only dependency

    for name, value in (
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ):
        os.environ.setdefault(name, value)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def new_s3_storage(endpoint: str, **options: object) -> Storage:
    """A fresh bucket on the moto server, as an app configured for S3 would use it."""
    from lms.core.storage.s3 import S3Storage  # noqa: PLC0415

    bucket = f"lms-test-{secrets.token_hex(6)}"
    store = S3Storage(bucket, endpoint_url=endpoint, region="us-east-1", **options)  # type: ignore[arg-type]
    store.client.create_bucket(Bucket=bucket)
    return store


def make_backend(name: str, tmp_path: Path, request: pytest.FixtureRequest) -> Storage:
    if name == "folder":
        return FolderStorage(tmp_path / "storage")
    return new_s3_storage(request.getfixturevalue("s3_endpoint"), prefix="site-a")


@pytest.fixture(params=BACKENDS)
def storage_backend(
    request: pytest.FixtureRequest, app: Flask, tmp_path: Path
) -> Iterator[Storage]:
    """The app's storage for one test, once on a folder and once on an S3 bucket."""
    store = make_backend(request.param, tmp_path, request)
    previous = app.extensions.get("lms_storage")
    app.extensions["lms_storage"] = store
    yield store
    if previous is None:
        app.extensions.pop("lms_storage", None)
    else:
        app.extensions["lms_storage"] = previous

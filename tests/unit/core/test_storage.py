"""The storage contract, the same for every back end: a folder and S3 (a moto server)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lms.core.storage import FolderStorage, Storage, StorageUnavailableError
from tests.storage_fixtures import BACKENDS, make_backend, new_s3_storage

VIDEO = bytes(range(256)) * 4096 + b"tail"  # 1 MiB and a bit: several chunks


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    return make_backend(request.param, tmp_path, request)


def test_a_saved_file_reads_back_whole_and_by_ranges(store: Storage) -> None:
    assert store.save("ab/video.mp4", io.BytesIO(VIDEO)) == len(VIDEO)
    assert store.exists("ab/video.mp4")
    assert store.size("ab/video.mp4") == len(VIDEO)
    assert store.read("ab/video.mp4") == VIDEO
    assert store.read_range("ab/video.mp4", 1000, 1999) == VIDEO[1000:2000]
    assert store.read_range("ab/video.mp4", len(VIDEO) - 4, len(VIDEO) + 10) == b"tail"
    with store.open("ab/video.mp4") as file:  # a reader that jumps around, as mutagen does
        file.seek(-4, io.SEEK_END)
        assert file.read() == b"tail"
        file.seek(10)
        assert file.read(3) == VIDEO[10:13]
        assert file.tell() == 13


def test_saving_again_replaces_and_delete_removes(store: Storage) -> None:
    store.save("x/a.txt", io.BytesIO(b"first"))
    store.save("x/a.txt", io.BytesIO(b"second"))
    assert store.read("x/a.txt") == b"second"
    store.delete("x/a.txt")
    store.delete("x/a.txt")  # deleting what is not there is fine
    assert not store.exists("x/a.txt")


def test_a_missing_file_is_file_not_found(store: Storage) -> None:
    assert not store.exists("no/such.png")
    with pytest.raises(FileNotFoundError):
        store.size("no/such.png")
    with pytest.raises(FileNotFoundError):
        store.read("no/such.png")


def test_list_names_every_file_with_its_size_in_key_order(store: Storage) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    for key, data in (("b/2.png", b"22"), ("a/1.png", b"1"), ("pending-imports/x.gift", b"")):
        store.save(key, io.BytesIO(data))
    listed = list(store.list())
    assert [(s.key, s.size) for s in listed] == [
        ("a/1.png", 1),
        ("b/2.png", 2),
        ("pending-imports/x.gift", 0),
    ]
    assert all(s.modified_at > before for s in listed)
    assert [s.key for s in store.list("pending-imports/")] == ["pending-imports/x.gift"]


@pytest.mark.parametrize("key", ["../up.png", "/abs.png", "a//b.png", "a/../b", "", "a b.png"])
def test_keys_outside_the_storage_are_refused(store: Storage, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        store.save(key, io.BytesIO(b"x"))


def test_the_folder_back_end_writes_whole_files_only(tmp_path: Path) -> None:
    store = FolderStorage(tmp_path)

    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            raise OSError("disk gone")

    with pytest.raises(StorageUnavailableError):
        store.save("a/b.png", Broken())
    assert list(store.list()) == []
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_s3_keys_live_under_the_prefix_and_signed_urls_fetch_the_file(
    s3_endpoint: str,
) -> None:
    import urllib.request  # noqa: PLC0415

    store = new_s3_storage(s3_endpoint, prefix="site-b/", signed_url_seconds=60)
    store.save("ab/c.png", io.BytesIO(b"png bytes"))
    names = store.client.list_objects_v2(Bucket=store.bucket)["Contents"]  # type: ignore[attr-defined]
    assert [n["Key"] for n in names] == ["site-b/ab/c.png"]
    url = store.signed_url(
        "ab/c.png", download_name="封面.png", content_type="image/png", inline=True
    )
    assert url is not None and "Signature" in url
    with urllib.request.urlopen(url) as answer:  # noqa: S310 - the local moto server
        assert answer.read() == b"png bytes"
        assert answer.headers["Content-Type"] == "image/png"


def test_an_unreachable_s3_server_is_storage_unavailable() -> None:
    from lms.core.storage.s3 import S3Storage  # noqa: PLC0415

    store = S3Storage("bucket", endpoint_url="http://127.0.0.1:9", region="us-east-1")
    store.client.meta.config.retries = {"max_attempts": 0}
    with pytest.raises(StorageUnavailableError):
        store.save("a/b.png", io.BytesIO(b"x"))
    with pytest.raises(StorageUnavailableError):
        store.exists("a/b.png")


def test_the_settings_choose_the_backend(tmp_path: Path, s3_endpoint: str) -> None:
    from lms.app import create_app  # noqa: PLC0415
    from lms.core.config import ConfigError  # noqa: PLC0415
    from lms.core.storage import make_storage, signed_url_origins  # noqa: PLC0415
    from lms.core.storage.s3 import S3Storage  # noqa: PLC0415

    folder_app = create_app("testing", DATABASE_URL="sqlite://")
    folder_app.instance_path = str(tmp_path)
    store = make_storage(folder_app)
    assert isinstance(store, FolderStorage) and store.root == tmp_path / "uploads"
    assert signed_url_origins(folder_app.config) == ()

    s3_app = create_app(
        "testing",
        DATABASE_URL="sqlite://",
        STORAGE_BACKEND="s3",
        S3_BUCKET="files",
        S3_ENDPOINT_URL=s3_endpoint,
        S3_PREFIX="site",
        S3_SIGNED_URL_SECONDS=300,
    )
    store = make_storage(s3_app)
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix, store.signed_url_seconds) == ("files", "site/", 300)
    assert signed_url_origins(s3_app.config) == (s3_endpoint,)
    with s3_app.test_request_context():
        policy = s3_app.test_client().get("/healthz").headers["Content-Security-Policy"]
    assert f"img-src 'self' data: {s3_endpoint}" in policy
    assert f"media-src 'self' {s3_endpoint}" in policy

    s3_app.config["S3_ADDRESSING_STYLE"] = "virtual"
    assert signed_url_origins(s3_app.config) == (s3_endpoint.replace("//", "//files."),)
    s3_app.config["S3_BUCKET"] = None
    with pytest.raises(ConfigError, match="LMS_S3_BUCKET"):
        make_storage(s3_app)
    with pytest.raises(ConfigError, match="LMS_S3_BUCKET"):  # refused at start already
        create_app("testing", DATABASE_URL="sqlite://", STORAGE_BACKEND="s3")
    with pytest.raises(ConfigError, match="folder or s3"):
        create_app("testing", DATABASE_URL="sqlite://", STORAGE_BACKEND="ftp")

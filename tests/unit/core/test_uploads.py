"""Uploads are checked by content and size, and stored under unguessable names."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale

from lms.core.errors import ValidationError
from lms.core.storage import get_storage
from lms.core.uploads import TooLargeError, save_upload

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 32


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_accepted_files_are_stored(app, db):
    upload = save_upload(io.BytesIO(PNG), "../../etc/pic<1>.PNG", "image")
    assert upload.extension == "png"
    assert upload.filename == "pic1.PNG"
    assert upload.size == len(PNG)
    assert get_storage().read(upload.key) == PNG
    assert len(upload.token) >= 20


@pytest.mark.parametrize(
    ("name", "data", "purpose", "message"),
    [
        ("x.exe", b"MZ", "attachment", "not accepted"),
        ("x.pdf", PNG, "attachment", "not a .pdf"),
        ("x.png", b"<svg onload=alert(1)>", "image", "not a .png"),
        ("x.mp4", PNG, "video", "not a .mp4"),
        ("x.png", b"", "image", "empty"),
        ("x.svg", b"<svg/>", "image", "not accepted"),
    ],
)
def test_refused_files(app, db, name, data, purpose, message):
    with pytest.raises(ValidationError, match=message):
        save_upload(io.BytesIO(data), name, purpose)


def test_size_limit_is_413_and_leaves_nothing(app, db):
    limit = app.config["UPLOAD_IMAGE_MB"] * 1024 * 1024
    before = list(get_storage().list())
    with pytest.raises(TooLargeError) as raised:
        save_upload(io.BytesIO(PNG + b"\x00" * limit), "big.png", "image")
    assert raised.value.status == 413
    assert list(get_storage().list()) == before


def test_video_bytes_are_checked(app, db):
    assert save_upload(io.BytesIO(MP4), "clip.mp4", "video").extension == "mp4"

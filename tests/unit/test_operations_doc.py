"""The operator's guide says what the code does: documented defaults match the configuration."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.core.config import Config

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"
ROW = re.compile(r"^\| `LMS_(\w+)` \| `([^`]+)` \|", re.MULTILINE)


def _literal_defaults() -> list[tuple[str, str]]:
    """Documented rows whose setting has a plain number or string default in ``Config``."""
    rows = ROW.findall(DOC.read_text(encoding="utf-8"))
    return [
        (name, documented)
        for name, documented in rows
        if isinstance(getattr(Config, name, None), int | float | str)
        and not isinstance(getattr(Config, name), bool)
    ]


def test_every_upload_setting_is_documented() -> None:
    names = set(re.findall(r"`LMS_(\w+)`", DOC.read_text(encoding="utf-8")))
    for setting in ("MAX_CONTENT_LENGTH", "UPLOAD_FOLDER", "UPLOAD_VIDEO_MB", "STORAGE_BACKEND",
                    "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_PREFIX",
                    "S3_SIGNED_URL_SECONDS", "S3_ADDRESSING_STYLE"):  # fmt: skip
        assert setting in names


@pytest.mark.parametrize(("name", "documented"), _literal_defaults())
def test_a_documented_default_is_the_configured_one(name: str, documented: str) -> None:
    value = getattr(Config, name)
    if isinstance(value, int | float):
        assert float(documented) == value, f"docs/operations.md says LMS_{name}={documented}"
    else:
        assert documented == value, f"docs/operations.md says LMS_{name}={documented}"


def test_the_nginx_example_admits_the_largest_request() -> None:
    sizes = re.findall(r"client_max_body_size (\d+)m;", DOC.read_text(encoding="utf-8"))
    assert sizes
    for size in sizes:
        assert int(size) * 1024 * 1024 >= Config.MAX_CONTENT_LENGTH

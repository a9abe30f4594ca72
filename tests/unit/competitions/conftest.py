"""Each test starts without cached boards: emptied tables restart ids and board versions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask_babel import force_locale

from competitions.services.leaderboards import clear_cache


@pytest.fixture(autouse=True)
def _english(db: object) -> Iterator[None]:
    """Messages are checked in English; the site's default language is Chinese."""
    with force_locale("en"):
        yield


@pytest.fixture(autouse=True)
def _no_cached_boards() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()

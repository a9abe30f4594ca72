"""The tour of tools/tour.py in every run: each page of each role, phone and desktop, zh and en.

A page fails the tour when it answers a 5xx (or another status than expected), logs a console
error, is wider than the window, or has a serious or critical axe-core violation. Screenshots
land in ``$LMS_TOUR_DIR`` (default ``test-results/tour/``); under ``CI=true`` only when that is
set, as nobody looks at a CI clone's files (they are a third of the tour's time). On the
PostgreSQL pass the tour only opens each page once (Chinese, desktop, no axe, no screenshots):
the looks do not depend on the database, the answers might.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser

from lms.cli import seed_demo_data
from tools.tour import Tour, folder_from_environment, walk
from tools.tour_stops import LEFT_OUT, Stop, add_tour_data, tour_stops

ON_POSTGRESQL = os.environ.get("LMS_TEST_BACKEND", "sqlite") == "postgresql"
SCREENSHOTS = os.environ.get("CI", "").lower() != "true" or bool(os.environ.get("LMS_TOUR_DIR"))


def _demo_stops(app: Flask, db: Any) -> list[tuple[Stop, str]]:
    seed_demo_data()
    add_tour_data()
    db.session.commit()
    with app.test_request_context():
        return [(stop, stop.url()) for stop in tour_stops()]


def test_every_page_is_on_the_tour_or_left_out_with_a_reason(app: Flask, db: Any) -> None:
    pages = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and rule.endpoint != "static"
        and not rule.rule.startswith("/api/")
    }
    toured = {stop.endpoint for stop, _path in _demo_stops(app, db)}

    assert pages - toured - set(LEFT_OUT) == set(), "add these pages to tools/tour_stops.py"
    assert toured & set(LEFT_OUT) == set()


@pytest.mark.timeout(600)
def test_the_tour_finds_nothing_wrong(app: Flask, site: str, db: Any, browser: Browser) -> None:
    stops = _demo_stops(app, db)
    if ON_POSTGRESQL:
        tour = Tour(folder=None, languages=("zh_Hans",), sizes=("desktop",), axe_sizes={})
    else:
        tour = Tour(folder=folder_from_environment() if SCREENSHOTS else None)

    walk(tour, browser, site, stops)

    assert tour.problems == [], "\n".join(tour.problems)
    assert tour.pages == len(stops) * len(tour.languages) * len(tour.sizes)

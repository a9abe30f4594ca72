"""Dates are bounded at input and any stored one converts to the site's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from courses.services import activities
from lms.core.clock import from_local, to_local
from lms.core.dates import check_moment, moment_problem, representable
from lms.core.errors import ValidationError


def test_years_2000_to_2100_pass_and_others_are_refused(app):
    with app.test_request_context():
        assert moment_problem(datetime(2000, 1, 1, tzinfo=UTC), None) is None
        assert moment_problem(datetime(2100, 12, 31, 23, tzinfo=UTC)) is None
        for year in (1, 1999, 2101, 9999):
            assert moment_problem(datetime(year, 6, 1, tzinfo=UTC)) is not None
            with pytest.raises(ValidationError) as refused:
                check_moment(datetime(year, 6, 1, tzinfo=UTC), field="ends_at")
            assert refused.value.field == "ends_at"


def test_extreme_times_convert_to_any_zone():
    far = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    early = datetime(1, 1, 1, tzinfo=UTC)
    assert to_local(far, "Asia/Shanghai").year == 9999
    assert to_local(early, "America/Los_Angeles").year == 1
    # A form's datetime-local value is a naive wall-clock time.
    assert from_local(early.replace(tzinfo=None), "Asia/Shanghai").year == 1
    assert from_local(far.replace(tzinfo=None), "America/Los_Angeles").year == 9999
    ordinary = datetime(2026, 12, 6, 10, tzinfo=UTC)
    assert representable(ordinary) is ordinary
    assert representable(far) < far
    naive = representable(far.replace(tzinfo=None))
    assert naive.tzinfo is None
    assert naive == datetime(9999, 12, 29, 23, 59, 59, 999999, tzinfo=UTC).replace(tzinfo=None)


def test_an_activity_far_in_the_future_is_refused(app):
    with app.test_request_context():
        start = datetime(9999, 1, 1, tzinfo=UTC)
        with pytest.raises(ValidationError) as refused:
            activities._check("expert_talk", start, start + timedelta(hours=1), "Hall", None)
        assert refused.value.field == "starts_at"

"""The study-hour record: parsing hours, credits, targets by unit and role, the report."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lms.core.errors import PermissionDeniedError, ValidationError
from lms.points.hours import queries, services
from tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_hours_are_parsed_and_shown_in_hundredths():
    assert services.parse_hours("1.5", field="hours") == 150
    assert services.parse_hours(" 32 ", field="hours") == 3200
    assert services.parse_hours("0,25", field="hours") == 25
    assert services.parse_hours("", field="hours") is None
    for bad in ("abc", "-1", "1.234", "1001", "1e3"):
        with pytest.raises(ValidationError) as raised:
            services.parse_hours(bad, field="hours")
        assert raised.value.field == "hours"
    with pytest.raises(ValidationError):
        services.parse_hours("0", field="hours", allow_zero=False)
    assert [services.hours_text(v) for v in (150, 200, 8, 0, None)] == ["1.5", "2", "0.08", "0", ""]


def test_credit_is_idempotent_and_ignores_nothing_worth(db, clock):
    member = UserFactory()
    assert (
        services.credit(member, source_type="lesson", source_id=1, title="A", centihours=0) is None
    )
    assert services.credit(member, source_type="lesson", source_id=1, title="A", centihours=50)
    assert (
        services.credit(member, source_type="lesson", source_id=1, title="A", centihours=50) is None
    )
    with pytest.raises(ValueError, match="quiz"):
        services.credit(member, source_type="quiz", source_id=1, title="A", centihours=5)
    clock.advance(days=40)  # into 2027
    services.credit(member, source_type="course", source_id=2, title="B", centihours=300)
    assert queries.record(member, 2026).centihours == 50
    assert queries.progress(member, 2027).centihours == 300
    assert queries.years(member) == [2027, 2026]


def test_the_most_specific_target_applies(db, clock):
    top = OrgUnitFactory(name="Org")
    branch = OrgUnitFactory(name="Branch", parent=top)
    group = OrgUnitFactory(name="Group", parent=branch)
    member = UserFactory(unit=group)
    organizer = UserFactory(unit=group, role="organizer")
    assert queries.target_for(member, 2026) is None
    services.set_target(year=2026, unit=None, role=None, centihours=3200)
    assert queries.target_for(member, 2026) == 3200
    services.set_target(year=2026, unit=None, role="organizer", centihours=4000)
    assert queries.target_for(member, 2026) == 3200
    assert queries.target_for(organizer, 2026) == 4000
    services.set_target(year=2026, unit=branch, role=None, centihours=5000)
    assert queries.target_for(organizer, 2026) == 5000  # the nearer unit wins over the role
    services.set_target(year=2026, unit=branch, role="organizer", centihours=6000)
    assert queries.target_for(organizer, 2026) == 6000
    services.set_target(year=2026, unit=branch, role=None, centihours=4800)  # changes, no copy
    assert len(queries.targets(2026)) == 4
    assert queries.target_for(member, 2026) == 4800
    assert queries.target_for(member, 2027) is None


def test_bad_targets_are_refused(db):
    for kwargs, field in [
        ({"year": 1999, "role": None, "centihours": 100}, "year"),
        ({"year": 2026, "role": "king", "centihours": 100}, "role"),
        ({"year": 2026, "role": None, "centihours": 0}, "hours"),
    ]:
        with pytest.raises(ValidationError) as raised:
            services.set_target(unit=None, **kwargs)
        assert raised.value.field == field


def test_report_shows_who_is_behind_by_unit_within_the_leaders_units(db, clock, count_queries):
    top = OrgUnitFactory(name="Org")
    east, west = OrgUnitFactory(name="East", parent=top), OrgUnitFactory(name="West", parent=top)
    ann, bob = (
        UserFactory(unit=east, display_name="Ann"),
        UserFactory(unit=east, display_name="Bob"),
    )
    cai = UserFactory(unit=west, display_name="Cai")
    UserFactory(unit=east, is_active=False)
    services.set_target(year=2026, unit=None, role=None, centihours=1000)
    services.credit(ann, source_type="lesson", source_id=1, title="A", centihours=1200)
    services.credit(bob, source_type="lesson", source_id=1, title="A", centihours=400)
    admin = UserFactory(role="admin")
    with count_queries() as counted:
        everyone = queries.report(2026, queries.report_scope(admin))
    assert counted.count <= 4
    assert [
        (m.name, m.centihours, m.behind) for m in everyone.members if m.name != admin.display_name
    ] == [
        ("Ann", 1200, False),
        ("Bob", 400, True),
        ("Cai", 0, True),
    ]
    east.leader_id = bob.id
    db.session.flush()
    mine = queries.report(2026, queries.report_scope(bob))
    assert [m.name for m in mine.behind] == ["Bob"]
    assert [(u.path, u.members, u.behind, u.average) for u in mine.units] == [
        ("Org/East", 2, 1, 800)
    ]
    with pytest.raises(PermissionDeniedError):
        queries.report_scope(cai)

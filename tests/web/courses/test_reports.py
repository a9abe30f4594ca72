"""Course reports: counts by unit, leaders limited to their units, chart data, Excel export."""

from __future__ import annotations

import io
import json
import re
from html import unescape

from openpyxl import load_workbook

from courses.services import progress
from courses.services.reports import course_report
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory, UserFactory


def _scenario(db, clock):
    org = OrgUnitFactory(name="Org")
    north = OrgUnitFactory(name="North", parent=org)
    team = OrgUnitFactory(name="Team", parent=north)
    south = OrgUnitFactory(name="South", parent=org)
    course = make_course(modules=((5, 5),), min_read_seconds=0)
    first, second = course.modules[0].items
    done, halfway, enrolled_only, southerner = (
        UserFactory(unit=north),
        UserFactory(unit=team),
        UserFactory(unit=team),
        UserFactory(unit=south),
    )
    for member, items in ((done, [first, second]), (halfway, [first]), (southerner, [first])):
        for item in items:
            progress.open_item(member, item.id)
            progress.complete_lesson(member, item.id)
    progress.open_item(enrolled_only, first.id)
    db.session.commit()
    return {"course": course, "north": north, "south": south, "team": team}


def test_counts_by_unit(db, clock):
    world = _scenario(db, clock)
    report = course_report(world["course"], None)
    by_path = {row.path: row for row in report.units}
    assert (by_path["Org/North"].enrolled, by_path["Org/North"].completed) == (1, 1)
    team = by_path["Org/North/Team"]
    assert (team.enrolled, team.in_progress, team.not_started, team.completed) == (2, 1, 1, 0)
    assert report.total.enrolled == 4
    assert report.total.completed == 1
    leader_view = course_report(world["course"], [world["north"]])
    assert [row.path for row in leader_view.units] == ["Org/North", "Org/North/Team"]


def test_pages_for_staff_leaders_and_members(client, db, clock, login_as):
    world = _scenario(db, clock)
    course = world["course"]
    leader = UserFactory(unit=world["north"])
    world["north"].leader = leader
    member = UserFactory(unit=world["south"])
    db.session.commit()

    login_as(member)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/courses/{course.id}").status_code == 403
    assert 'href="/reports/"' not in client.get("/").get_data(as_text=True)

    login_as(leader)
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)
    page = client.get(f"/reports/courses/{course.id}").get_data(as_text=True)
    assert "Org/South" not in page
    chart = json.loads(unescape(re.search(r"data-chart='([^']+)'", page).group(1)))
    assert chart["labels"] == ["Org/North", "Org/North/Team"]

    login_as(UserFactory(role="organizer"))
    page = client.get(f"/reports/courses/{course.id}").get_data(as_text=True)
    assert "Org/South" in page
    export = client.get(f"/reports/courses/{course.id}.xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[-1][1] == 4  # enrolled in all units


def test_report_queries_stay_constant(client, db, clock, login_as, count_queries):
    world = _scenario(db, clock)
    login_as(UserFactory(role="admin"))
    client.get("/")  # the day's first request also records the daily login point

    def queries() -> int:
        with count_queries() as counter:
            client.get(f"/reports/courses/{world['course'].id}")
        return counter.count

    db.session.commit()  # as before the second count: the session starts with nothing loaded
    few = queries()
    for n in range(20):
        member = UserFactory(unit=OrgUnitFactory(name=f"Extra {n}"))
        progress.open_item(member, world["course"].modules[0].items[0].id)
    db.session.commit()
    assert queries() == few


def test_draft_courses_are_reported_only_to_those_who_manage_them(client, db, login_as):
    north = OrgUnitFactory(name="North")
    leader = UserFactory(unit=north)
    north.leader = leader
    editor = UserFactory(role="organizer")
    make_course(title="Published course")
    draft = make_course(title="Secret draft", published=False)
    draft.editors = [editor]
    db.session.commit()
    urls = (f"/reports/courses/{draft.id}", f"/reports/courses/{draft.id}.xlsx")
    roles = (
        (leader, False),
        (UserFactory(role="organizer"), False),
        (editor, True),
        (UserFactory(role="admin"), True),
    )
    for user, manages in roles:
        db.session.commit()
        login_as(user)
        listing = client.get("/reports/").get_data(as_text=True)
        assert "Published course" in listing
        assert ("Secret draft" in listing) is manages, user.role
        for url in urls:
            assert client.get(url).status_code == (200 if manages else 404), (user.role, url)

"""Admin pages for the organisation tree."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.accounts.models import OrgUnit
from lms.accounts.services import org_units
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _paths(db) -> list[str]:
    db.session.expire_all()
    return [unit.path for unit in org_units.all_units()]


def test_create_rename_move_and_delete(client, db, admin, login_as):
    login_as(admin)
    home = admin.unit.path
    top = {"name": "学院", "parent_id": 0}
    assert submit_form(client, "/admin/units/new", top).status_code == 302
    college = org_units.unit_by_path("学院")
    data = {"name": "一支部", "parent_id": college.id, "leader_username": admin.username}
    submit_form(client, "/admin/units/new", data)
    branch = org_units.unit_by_path("学院/一支部")
    assert branch.leader_id == admin.id
    submit_form(client, f"/admin/units/{branch.id}/edit", {**data, "name": "第一支部"})
    assert "学院/第一支部" in _paths(db)
    other = OrgUnitFactory(name="分院")
    db.session.commit()
    submit_form(client, f"/admin/units/{branch.id}/edit", {"parent_id": other.id})
    assert "分院/第一支部" in _paths(db)
    submit_form(client, "/admin/units/", form=f"/admin/units/{branch.id}/delete")
    assert sorted(_paths(db)) == sorted([home, "学院", "分院"])


def test_bad_input_changes_nothing(client, db, admin, login_as):
    login_as(admin)
    branch = org_units.ensure_unit_path("Org/Branch")
    group = org_units.ensure_unit_path("Org/Branch/Group")
    db.session.commit()
    before = _paths(db)
    cases = [
        ("/admin/units/new", {"name": "", "parent_id": 0}, "field-errors"),
        ("/admin/units/new", {"name": "Branch", "parent_id": branch.parent_id}, "already exists"),
        ("/admin/units/new", {"name": "a/b", "parent_id": 0}, "cannot contain"),
        (
            "/admin/units/new",
            {"name": "X", "parent_id": 0, "leader_username": "ghost"},
            "There is no user",
        ),
    ]
    for url, data, message in cases:
        response = submit_form(client, url, data, headers=EN)
        assert response.status_code == 200, url
        assert message in response.get_data(as_text=True), (url, data)
    # by hand: the page does not offer a unit's own sub-unit as its parent
    into_itself = {"name": "Branch", "parent_id": group.id}
    response = client.post(f"/admin/units/{branch.id}/edit", data=into_itself, headers=EN)
    assert response.status_code == 200
    assert "Not a valid" in response.get_data(as_text=True)
    assert _paths(db) == before


def test_delete_refused_while_members_remain(client, db, admin, login_as):
    login_as(admin)
    unit = OrgUnitFactory(name="Busy")
    UserFactory(unit=unit)
    db.session.commit()
    delete = f"/admin/units/{unit.id}/delete"
    response = submit_form(client, "/admin/units/", form=delete, headers=EN, follow_redirects=True)
    assert "still has 1 members" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.id == unit.id))


def test_tree_page_queries_stay_constant(client, db, admin, login_as, count_queries):
    login_as(admin)
    client.get("/")  # the day's first request also records the daily login point

    def page_queries() -> int:
        with count_queries() as counter:
            assert client.get("/admin/units/").status_code == 200
        return counter.count

    for n in range(3):
        UserFactory(unit=OrgUnitFactory(name=f"A{n}", leader=admin))
    db.session.commit()
    small = page_queries()
    for n in range(30):
        UserFactory(unit=OrgUnitFactory(name=f"B{n}", leader=admin))
    db.session.commit()
    assert page_queries() == small


def test_the_tree_counts_the_members_of_sub_units(client, db, admin, login_as):
    org = OrgUnitFactory(name="机关")
    branch = OrgUnitFactory(name="机关党委", parent=org)
    group = OrgUnitFactory(name="第一小组", parent=branch)
    OrgUnitFactory(name="空单位", parent=org)
    for unit, n in ((org, 1), (branch, 2), (group, 3)):
        for _ in range(n):
            UserFactory(unit=unit)
    db.session.commit()
    login_as(admin)
    page = client.get("/admin/units/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    rows = re.findall(r'data-testid="unit-members">([^<]*?)(?: · |</small>)', page)
    by_text = " | ".join(" ".join(row.split()) for row in rows)
    assert "6 members (1 directly in this unit)" in by_text  # 机关: 1 + 2 + 3
    assert "5 members (2 directly in this unit)" in by_text  # 机关党委: 2 + 3
    assert "3 members |" in by_text + " |"  # 第一小组 has no sub-units
    assert "0 members" in by_text  # 空单位

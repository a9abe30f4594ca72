"""Admin pages for users: list with search, filters and pages; create and edit."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from lms.accounts.models import User
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _usernames(page: str) -> list[str]:
    """The username column of the list (the first cell of each row)."""
    return re.findall(r"<tr>\s*<td data-label=\"[^\"]*\">([^<]+)</td>", page)


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


@pytest.fixture
def people(db, admin):
    org = OrgUnitFactory(name="Org")
    north = OrgUnitFactory(name="North", parent=org)
    north_team = OrgUnitFactory(name="Team", parent=north)
    south = OrgUnitFactory(name="South", parent=org)
    UserFactory(username="alice", display_name="Alice Wang", unit=north)
    UserFactory(username="bob", display_name="Bob Li", unit=north_team, role="organizer")
    UserFactory(username="carol", display_name="张三", unit=south, is_active=False)
    db.session.commit()
    return {"north": north, "south": south}


def test_search_and_filters(client, login_as, admin, people):
    login_as(admin)
    assert _usernames(client.get("/admin/users/?q=WANG").get_data(as_text=True)) == ["alice"]
    assert _usernames(client.get("/admin/users/?q=张").get_data(as_text=True)) == ["carol"]
    by_role = client.get("/admin/users/?role=organizer").get_data(as_text=True)
    assert _usernames(by_role) == ["bob"]
    below = client.get(f"/admin/users/?unit={people['north'].id}").get_data(as_text=True)
    assert _usernames(below) == ["alice", "bob"]
    inactive = client.get("/admin/users/?active=no").get_data(as_text=True)
    assert _usernames(inactive) == ["carol"]
    assert _usernames(client.get("/admin/users/?q=nobody").get_data(as_text=True)) == []


def test_pagination_keeps_the_filters(client, db, login_as, admin):
    unit = OrgUnitFactory(name="Big")
    for n in range(30):
        UserFactory(username=f"m{n:02d}", unit=unit)
    db.session.commit()
    login_as(admin)
    first = client.get(f"/admin/users/?unit={unit.id}").get_data(as_text=True)
    assert len(_usernames(first)) == 25
    assert f"unit={unit.id}" in re.search(r'href="([^"]*page=2[^"]*)"', first).group(1)
    second = client.get(f"/admin/users/?unit={unit.id}&page=2").get_data(as_text=True)
    assert _usernames(second) == [f"m{n:02d}" for n in range(25, 30)]
    assert client.get("/admin/users/?page=99").status_code == 200


def test_list_queries_stay_constant(client, db, login_as, admin, count_queries):
    login_as(admin)
    client.get("/")  # the day's first request also records the daily login point

    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/admin/users/").status_code == 200
        return counter.count

    for n in range(5):
        UserFactory(unit=OrgUnitFactory(name=f"U{n}"))
    db.session.commit()
    small = queries()
    for n in range(55):
        UserFactory(unit=OrgUnitFactory(name=f"V{n}"))
    db.session.commit()
    assert queries() == small


def _new(client, **overrides):
    data = {"username": "newbie", "display_name": "新人", "role": "member", "language": "",
            "password": "initial-pass"}  # fmt: skip
    data.update(overrides)
    return submit_form(client, "/admin/users/new", data, headers=EN)


def test_create_with_bad_input_creates_nothing(client, db, login_as, admin):
    login_as(admin)
    unit_id = admin.unit_id
    before = _count(db)
    cases = [
        ({"password": ""}, "initial password"),
        ({"password": "short"}, "at least 8"),
        ({"username": "ADMIN1"}, "already taken"),
        ({"username": "bad name!"}, "A username has"),
        ({"display_name": ""}, "field-errors"),
    ]
    for overrides, message in cases:
        response = _new(client, **{"unit_id": unit_id, **overrides})
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        assert message in page, overrides
        if overrides.get("display_name") == "":
            assert 'value="newbie"' in page  # what was typed stays in the form
    for forged in ({"role": "king"}, {"unit_id": "99999"}):  # by hand: options the page lacks
        data = {"username": "newbie", "display_name": "新人", "role": "member",
                "unit_id": unit_id, "password": "initial-pass", **forged}  # fmt: skip
        response = client.post("/admin/users/new", data=data, headers=EN)
        assert "Not a valid choice" in response.get_data(as_text=True), forged
    assert _count(db) == before


def test_create_and_edit(client, db, login_as, admin, people):
    login_as(admin)
    assert _new(client, unit_id=people["south"].id).status_code == 302
    user = db.session.scalar(select(User).where(User.username == "newbie"))
    assert (user.unit.path, user.role) == ("Org/South", "member")
    response = submit_form(
        client,
        f"/admin/users/{user.id}/edit",
        {"display_name": "老人", "role": "organizer", "unit_id": people["north"].id,
         "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(user)
    assert (user.display_name, user.role, user.unit.path, user.language) == (
        "老人", "organizer", "Org/North", "en"
    )  # fmt: skip


def test_admin_cannot_change_their_own_role(client, db, login_as, admin):
    login_as(admin)
    response = submit_form(
        client,
        f"/admin/users/{admin.id}/edit",
        {"display_name": "Me", "role": "member"},
        headers=EN,
    )
    assert "You cannot change your own role." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role == "admin"


def test_unknown_user_is_404(client, login_as, admin):
    login_as(admin)
    assert client.get("/admin/users/4242/edit").status_code == 404

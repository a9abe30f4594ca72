"""The organisation tree service: paths kept in step through renames and moves."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lms.accounts.services import org_units
from lms.core.errors import ConflictError, ValidationError
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_tree_of_any_depth(db):
    group = org_units.ensure_unit_path("Org/Branch/Group/Team")
    assert group.path == "Org/Branch/Group/Team"
    assert group.depth == 3
    assert group.parent.parent.path == "Org/Branch"
    assert org_units.ensure_unit_path(" Org / Branch ").id == group.parent.parent.id
    assert [unit.path for unit in org_units.all_units()] == [
        "Org", "Org/Branch", "Org/Branch/Group", "Org/Branch/Group/Team"
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["", "   ", "a/b", "x" * 101])
def test_bad_names(db, name):
    with pytest.raises(ValidationError):
        org_units.create_unit(name)


def test_sibling_names_are_unique_but_cousins_may_share(db):
    a = org_units.ensure_unit_path("Org/A")
    b = org_units.ensure_unit_path("Org/B")
    org_units.create_unit("Group 1", a)
    org_units.create_unit("Group 1", b)
    with pytest.raises(ConflictError, match="already exists"):
        org_units.create_unit("Group 1", a)
    with pytest.raises(ConflictError):
        org_units.create_unit("Org")


def test_rename_and_move_rewrite_the_subtree(db):
    branch = org_units.ensure_unit_path("Org/Branch")
    org_units.ensure_unit_path("Org/Branch/Group/Team")
    other = org_units.ensure_unit_path("Other")
    org_units.update_unit(branch, name="First Branch", parent=branch.parent, leader=None)
    assert [u.path for u in org_units.all_units()][:4] == [
        "Org", "Org/First Branch", "Org/First Branch/Group", "Org/First Branch/Group/Team"
    ]  # fmt: skip
    org_units.update_unit(branch, name="First Branch", parent=other, leader=None)
    paths = {u.path for u in org_units.all_units()}
    assert paths == {"Org", "Other", "Other/First Branch", "Other/First Branch/Group",
                     "Other/First Branch/Group/Team"}  # fmt: skip


def test_a_unit_cannot_move_under_itself(db):
    branch = org_units.ensure_unit_path("Org/Branch")
    group = org_units.ensure_unit_path("Org/Branch/Group")
    for parent in (branch, group):
        with pytest.raises(ValidationError, match="under itself"):
            org_units.update_unit(branch, name="Branch", parent=parent, leader=None)
    assert group.path == "Org/Branch/Group"


def test_delete_only_when_empty(db):
    branch = org_units.ensure_unit_path("Org/Branch")
    group = org_units.ensure_unit_path("Org/Branch/Group")
    user = UserFactory(unit=group)
    db.session.flush()
    with pytest.raises(ConflictError, match="units below it"):
        org_units.delete_unit(branch)
    with pytest.raises(ConflictError, match="1 members"):
        org_units.delete_unit(group)
    user.unit = org_units.ensure_unit_path("Org")
    db.session.flush()
    org_units.delete_unit(group)
    org_units.delete_unit(branch)
    assert [u.path for u in org_units.all_units()] == ["Org"]


def test_leader_is_set_and_cleared(db):
    unit = org_units.ensure_unit_path("Org")
    leader = UserFactory(unit=unit)
    org_units.update_unit(unit, name="Org", parent=None, leader=leader)
    assert unit.leader is leader
    org_units.update_unit(unit, name="Org", parent=None, leader=None)
    assert unit.leader is None


def test_default_unit(db):
    assert org_units.default_unit().path == "Default"
    org_units.ensure_unit_path("Alpha")
    assert org_units.default_unit().path == "Alpha"

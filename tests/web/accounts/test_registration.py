"""Self-registration: off by default, switched on by an admin with a unit for newcomers."""

from __future__ import annotations

from sqlalchemy import func, select

from lms.accounts.models import User
from tests.factories import OrgUnitFactory
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_out

NEWCOMER = {
    "username": "newbie",
    "display_name": "新人",
    "password": "newbie-pass",
    "confirm": "newbie-pass",
}


def _count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_off_by_default(client, db):
    assert client.get("/register").headers["Location"].endswith("/login")
    client.post("/register", data=NEWCOMER)  # by hand: the page itself is not shown
    assert _count(db) == 0
    assert "/register" not in client.get("/login").get_data(as_text=True)


def test_admin_switches_it_on_and_a_guest_registers(client, db, admin, login_as):
    unit = OrgUnitFactory(name="Newcomers")
    db.session.commit()
    login_as(admin)
    refused = submit_form(client, "/admin/settings/", {"enabled": True, "unit_id": 0})
    assert refused.status_code == 200
    assert "field-errors" in refused.get_data(as_text=True)
    switched = submit_form(client, "/admin/settings/", {"enabled": True, "unit_id": unit.id})
    assert switched.status_code == 302
    log_out(client)

    assert "/register" in client.get("/login").get_data(as_text=True)
    response = submit_form(client, "/register", NEWCOMER)
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "newbie"))
    assert (user.role, user.unit.path) == ("member", "Newcomers")
    assert client.get("/profile").status_code == 200

    log_out(client)
    again = submit_form(client, "/register", {**NEWCOMER, "username": "NEWBIE"})
    assert again.status_code == 200
    assert "field-errors" in again.get_data(as_text=True)
    assert _count(db) == 2

"""Daily login points: once per member and local day, remembered in the session."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from lms.core.settings import get_setting
from lms.points.models import PointEntry
from tests.formfill import submit_form


def _logins(db: Any) -> list[PointEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(PointEntry).where(PointEntry.rule == "daily_login")))


def test_first_request_of_the_day_awards_once(
    client: Any, db: Any, member: Any, login_as: Any, clock: Any
) -> None:
    login_as(member)
    assert client.get("/").status_code == 200  # a read-only GET on SQLite
    client.get("/points")
    client.get("/courses/")
    entries = _logins(db)
    assert [(entry.points, entry.source_type, entry.source_id) for entry in entries] == [
        (1, "day", 20261124)
    ]
    clock.advance(hours=16)  # past local midnight in Asia/Shanghai
    client.get("/")
    client.get("/")
    assert sorted(entry.source_id for entry in _logins(db)) == [20261124, 20261125]


def test_later_requests_cost_no_query(
    client: Any, db: Any, member: Any, login_as: Any, clock: Any, count_queries: Any
) -> None:
    login_as(member)
    client.get("/points")
    with count_queries() as first:
        client.get("/points")
    with client.session_transaction() as session:
        session.pop("points_login_day")
    with count_queries() as forgotten:
        client.get("/points")
    assert forgotten.count > first.count  # checks the ledger again, finds today's entry
    assert len(_logins(db)) == 1


def test_guests_and_bearer_tokens_earn_nothing(
    client: Any, db: Any, member: Any, clock: Any
) -> None:
    client.get("/accounts/login")
    client.get("/api/v1/points/me", headers={"Authorization": "Bearer nonsense"})
    assert _logins(db) == []


def test_a_post_as_the_first_request_counts_and_still_saves(
    client: Any, db: Any, admin: Any, login_as: Any, clock: Any
) -> None:
    login_as(admin)
    page = client.get("/admin/points").get_data(as_text=True)
    clock.advance(hours=24)  # the form is sent the next day: the post is that day's first request
    changes = {"daily_login-points": "2", "daily_login-daily_cap": "2"}
    response = submit_form(client, "/admin/points", changes, form="rule-daily_login", page=page)
    assert response.status_code == 302
    entries = _logins(db)
    assert [entry.points for entry in entries] == [1, 1]  # awarded before the new values applied
    assert get_setting("points.daily_login.points") == 2


def test_requests_no_person_makes_earn_nothing(
    app: Any, client: Any, db: Any, member: Any, login_as: Any, clock: Any
) -> None:
    """nginx's question whether a page may listen to a push channel comes with the member's
    cookie, but its answer's cookie never reaches the browser: it must not check the day (a
    write on every subscription); nor may health probes and scrapes."""
    app.config["PUSH_SUBSCRIBE_PATH"] = "/push/sub"
    login_as(member)
    client.get("/push/auth", headers={"X-Original-URI": "/push/sub/live-1"})
    client.get("/healthz")
    client.get("/readyz")
    assert _logins(db) == []
    client.get("/")
    assert len(_logins(db)) == 1

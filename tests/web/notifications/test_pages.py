"""The bell, the list, marking read, the settings page and the admins' test message."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from lms.accounts.models import User
from lms.notifications import services
from lms.notifications.kinds import Kind
from lms.notifications.models import Notification, NotificationPreference
from tests.notification_fixtures import SMTP_PASSWORD, free_port


def _some(user: User, count: int, *, url: str | None = "/points") -> None:
    for number in range(count):
        services.notify(
            [user.id],
            Kind.ANNOUNCEMENT,
            key=f"n:{number}",
            url=url,
            message=lambda n=number: (f"Notice {n}", "Read **this**."),
        )


def _bell(page: str) -> str | None:
    found = re.search(r'data-testid="bell-count">([^<]+)<', page)
    return found.group(1) if found else None


def test_the_bell_counts_unread_with_one_query_however_many(
    client: FlaskClient, db: Any, member: User, login_as: Callable, count_queries: Callable
) -> None:
    login_as(member)
    client.get("/points")  # the day's login points are awarded on a first request
    with count_queries() as none:
        page = client.get("/points").get_data(as_text=True)
    assert _bell(page) is None
    _some(member, 30)
    db.session.commit()

    with count_queries() as many:
        page = client.get("/points").get_data(as_text=True)

    assert _bell(page) == "30"
    assert many.count == none.count


def test_open_marks_read_and_follows_only_local_links(
    client: FlaskClient, db: Any, member: User, login_as: Callable
) -> None:
    login_as(member)
    _some(member, 1, url="/points")
    for far in ("https://evil.example/", "//evil.example/", "/\\evil.example/"):
        services.notify(
            [member.id], Kind.ANNOUNCEMENT, key=far, url=far, message=lambda: ("Far", "")
        )
    db.session.commit()
    local, *far_ones = db.session.scalars(select(Notification).order_by(Notification.id)).all()

    assert client.post(f"/notifications/{local.id}/open").headers["Location"] == "/points"
    for far in far_ones:
        assert client.post(f"/notifications/{far.id}/open").headers["Location"] == "/notifications"
    db.session.refresh(local)
    assert local.read_at is not None


def test_list_read_one_and_read_all(
    client: FlaskClient, db: Any, member: User, make_user: Callable, login_as: Callable
) -> None:
    other = make_user(username="other")
    _some(member, 3)
    _some(other, 1)
    db.session.commit()
    login_as(member)

    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('data-testid="notification"') == 3
    assert "<strong>this</strong>" in page
    first = db.session.scalars(
        select(Notification).where(Notification.user_id == member.id)
    ).first()
    mine_for_other = db.session.scalars(
        select(Notification).where(Notification.user_id == other.id)
    ).one()

    assert client.post(f"/notifications/{mine_for_other.id}/read").status_code == 404
    client.post(f"/notifications/{first.id}/read")
    assert _bell(client.get("/notifications").get_data(as_text=True)) == "2"
    client.post("/notifications/read-all")
    assert _bell(client.get("/notifications").get_data(as_text=True)) is None
    assert services.mark_all_read(other) == 1


def test_settings_store_email_and_choices_and_refuse_a_bad_address(
    app: Any, client: FlaskClient, db: Any, member: User, login_as: Callable, mailbox: Any
) -> None:
    login_as(member)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="grade_released:email"' in page and "checked" in page

    bad = client.post(
        "/notifications/settings",
        data={"email": "not an address", "choice": ["announcement:email"]},
    )
    assert bad.status_code == 200
    assert "name@example.org" in bad.get_data(as_text=True)
    assert services.email_of(member) is None

    saved = client.post(
        "/notifications/settings",
        data={"email": "m@example.org", "choice": ["points_awarded:email", "bogus:email", "x"]},
    )
    assert saved.status_code == 302
    assert services.email_of(member) == "m@example.org"
    stored = {(p.kind, p.is_enabled) for p in db.session.scalars(select(NotificationPreference))}
    assert ("points_awarded", True) in stored and ("announcement", False) in stored
    assert all(kind != "bogus" for kind, _on in stored)


def test_without_smtp_the_settings_page_says_app_only(
    client: FlaskClient, db: Any, member: User, login_as: Callable
) -> None:
    login_as(member)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'data-testid="app-only"' in page


def test_admin_test_message_reaches_the_server_or_says_what_is_wrong(
    app: Any, client: FlaskClient, db: Any, admin: User, login_as: Callable, mailbox: Any
) -> None:
    admin.language = "en"
    db.session.commit()
    login_as(admin)
    sent = client.post("/admin/notifications", data={"address": "admin@example.org"})
    assert sent.status_code == 302
    assert [m["To"] for m in mailbox.messages] == ["admin@example.org"]

    app.config["SMTP_PASSWORD"] = "wrong"
    try:
        refused = client.post("/admin/notifications", data={"address": "admin@example.org"})
    finally:
        app.config["SMTP_PASSWORD"] = SMTP_PASSWORD
    assert refused.status_code == 200
    assert "refused the user name or password" in refused.get_data(as_text=True)

    port, app.config["SMTP_PORT"] = app.config["SMTP_PORT"], free_port()
    try:
        page = client.post("/admin/notifications", data={"address": "admin@example.org"})
    finally:
        app.config["SMTP_PORT"] = port
    assert "Could not connect to the SMTP server at 127.0.0.1" in page.get_data(as_text=True)


def test_admin_page_without_smtp_tells_how_to_set_it_up(
    client: FlaskClient, db: Any, admin: User, login_as: Callable
) -> None:
    login_as(admin)
    page = client.get("/admin/notifications").get_data(as_text=True)
    assert "LMS_SMTP_HOST" in page
    answer = client.post("/admin/notifications", data={"address": "a@example.org"})
    assert answer.status_code == 200 and "LMS_SMTP_HOST" in answer.get_data(as_text=True)


def test_a_wrong_tls_setting_is_named(
    app: Any, client: FlaskClient, db: Any, admin: User, login_as: Callable, mailbox: Any
) -> None:
    admin.language = "en"
    db.session.commit()
    login_as(admin)
    try:
        app.config["SMTP_SECURITY"] = "starttls"  # the local server offers no STARTTLS
        page = client.post("/admin/notifications", data={"address": "a@example.org"})
        assert "check LMS_SMTP_SECURITY." in page.get_data(as_text=True)
        app.config["SMTP_SECURITY"] = "ssl"  # it speaks plain SMTP, not TLS
        page = client.post("/admin/notifications", data={"address": "a@example.org"})
        assert "The TLS connection to 127.0.0.1" in page.get_data(as_text=True)
    finally:
        app.config["SMTP_SECURITY"] = "none"
    assert mailbox.messages == []

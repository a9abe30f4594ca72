"""The outbox sender and the email channel against a local SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import User
from lms.notifications import services
from lms.notifications.kinds import Kind
from lms.notifications.models import Delivery, DeliveryState, Notification
from lms.notifications.sender import INTERRUPTED, send_due
from tests.notification_fixtures import free_port


def _results() -> tuple[str, str]:
    return _("Results are published"), "Rank **1**. <script>alert(1)</script>"


def _member_with_email(make_user: Callable[..., User], name: str, **kwargs: Any) -> User:
    user = make_user(username=name, **kwargs)
    services.set_email(user, f"{name}@example.org")
    return user


def _deliveries(db: Any) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).order_by(Delivery.id)))


def test_email_goes_out_once_in_the_readers_language_with_text_and_html(
    db: Any, make_user: Callable[..., User], mailbox: Any
) -> None:
    english = _member_with_email(make_user, "alice", language="en")
    chinese = _member_with_email(make_user, "bo", language="zh_Hans")
    services.notify(
        [english.id, chinese.id], Kind.RESULTS_PUBLISHED, key="r:1", url="/r/1", message=_results
    )
    db.session.commit()

    first, again = send_due(), send_due()

    assert (first.sent, again.sent) == (2, 0)
    by_to = {message["To"]: message for message in mailbox.messages}
    assert set(by_to) == {"Alice <alice@example.org>", "Bo <bo@example.org>"}
    english_mail = by_to["Alice <alice@example.org>"]
    assert english_mail["Subject"] == "Results are published"
    assert by_to["Bo <bo@example.org>"]["Subject"] == "成绩已公布"
    text = english_mail.get_body(("plain",)).get_content()
    html = english_mail.get_body(("html",)).get_content()
    assert "Rank **1**." in text and "https://study.example/r/1" in text
    assert "<strong>1</strong>" in html and "<script>" not in html
    assert 'href="https://study.example/r/1"' in html
    assert {d.state for d in _deliveries(db)} == {DeliveryState.SENT}


def test_choices_and_missing_addresses_decide_who_gets_email(
    db: Any, make_user: Callable[..., User], mailbox: Any
) -> None:
    chose_off = _member_with_email(make_user, "off")
    no_address = make_user(username="nomail")
    chose_on = _member_with_email(make_user, "on")
    services.set_channel_choices(chose_off, set())  # nothing by email
    services.set_channel_choices(chose_on, {(Kind.POINTS_AWARDED.value, "email")})
    db.session.commit()
    everyone = [chose_off.id, no_address.id, chose_on.id]
    services.notify(everyone, Kind.RESULTS_PUBLISHED, key="r:2", url=None, message=_results)
    services.notify(everyone, Kind.POINTS_AWARDED, key="p:2", url=None, message=_results)
    db.session.commit()

    wanted = db.session.scalar(
        select(Notification.id).where(
            Notification.user_id == chose_on.id, Notification.kind == Kind.POINTS_AWARDED.value
        )
    )
    assert [(d.channel, d.key) for d in _deliveries(db)] == [("email", f"email:{wanted}")]
    assert services.channel_choices(chose_on)[(Kind.POINTS_AWARDED.value, "email")] is True
    assert services.channel_choices(chose_on)[(Kind.RESULTS_PUBLISHED.value, "email")] is False


def test_a_server_that_is_down_means_retries_with_backoff_then_giving_up(
    app: Any, db: Any, make_user: Callable[..., User], mailbox: Any, clock: Any
) -> None:
    member = _member_with_email(make_user, "carol")
    services.notify([member.id], Kind.ANNOUNCEMENT, key="a:1", url=None, message=_results)
    db.session.commit()
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nobody listens there

    report = send_due()
    (delivery,) = _deliveries(db)
    assert (report.retrying, delivery.state, delivery.attempts) == (1, DeliveryState.PENDING, 1)
    assert "Connection refused" in delivery.last_error
    assert delivery.next_attempt_at == clock.now + timedelta(minutes=1)
    assert send_due().retrying == 0  # not due yet

    clock.advance(minutes=1)
    send_due()
    db.session.refresh(delivery)
    assert delivery.next_attempt_at == clock.now + timedelta(minutes=4)

    app.config["SMTP_PORT"] = working_port
    clock.advance(minutes=4)
    assert send_due().sent == 1
    db.session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.SENT, 3, None)
    assert len(mailbox.messages) == 1

    app.config["NOTIFICATIONS_MAX_ATTEMPTS"], saved = 1, app.config["NOTIFICATIONS_MAX_ATTEMPTS"]
    try:
        services.notify([member.id], Kind.ANNOUNCEMENT, key="a:2", url=None, message=_results)
        db.session.commit()
        app.config["SMTP_PORT"] = free_port()
        assert send_due().failed == 1
    finally:
        app.config["NOTIFICATIONS_MAX_ATTEMPTS"] = saved
        app.config["SMTP_PORT"] = working_port


def test_a_refused_recipient_fails_at_once_and_the_others_still_go(
    db: Any, make_user: Callable[..., User], mailbox: Any
) -> None:
    refused = _member_with_email(make_user, "gone")
    fine = _member_with_email(make_user, "fine")
    mailbox.refuse.add("gone@example.org")
    services.notify([refused.id, fine.id], Kind.ANNOUNCEMENT, key="a:3", url=None, message=_results)
    db.session.commit()

    report = send_due()

    assert (report.sent, report.failed) == (1, 1)
    failed = next(d for d in _deliveries(db) if d.state == DeliveryState.FAILED)
    assert "no such mailbox" in failed.last_error


def test_a_sender_killed_while_sending_never_sends_that_message_again(
    db: Any, make_user: Callable[..., User], mailbox: Any, clock: Any
) -> None:
    member = _member_with_email(make_user, "dan")
    other = _member_with_email(make_user, "eve")
    services.notify([member.id, other.id], Kind.ANNOUNCEMENT, key="a:4", url=None, message=_results)
    db.session.commit()
    interrupted, claimed = _deliveries(db)
    # A sender took both, marked the first "sending" and died: the second was never handed over.
    interrupted.state, interrupted.attempts = DeliveryState.SENDING, 1
    interrupted.claimed_until = claimed.claimed_until = clock.now + timedelta(minutes=5)
    db.session.commit()

    assert send_due().sent == 0  # both still held by the dead sender's lease
    clock.advance(minutes=6)
    report = send_due()

    assert (report.sent, len(mailbox.messages)) == (1, 1)
    db.session.refresh(interrupted)
    assert (interrupted.state, interrupted.last_error) == (DeliveryState.FAILED, INTERRUPTED)


def test_the_cron_command_sends_what_is_due(
    app: Any, db: Any, make_user: Callable[..., User], mailbox: Any
) -> None:
    member = _member_with_email(make_user, "fay")
    services.notify([member.id], Kind.ANNOUNCEMENT, key="a:5", url=None, message=_results)
    db.session.commit()

    output = app.test_cli_runner().invoke(args=["lms", "send-notifications"]).output

    assert output.strip() == "sent 1, to retry 0, failed 0"
    assert len(mailbox.messages) == 1


def test_metrics_count_waiting_and_failed_deliveries(
    app: Any, client: Any, db: Any, make_user: Callable[..., User], mailbox: Any
) -> None:
    member = _member_with_email(make_user, "hal")
    services.notify([member.id], Kind.ANNOUNCEMENT, key="a:6", url=None, message=_results)
    db.session.commit()

    text = client.get("/metrics").get_data(as_text=True)

    assert "lms_notifications_waiting 1.0" in text
    assert "lms_notifications_failed 0.0" in text

"""The robot channel: notify() queues one post per event and robot; the sender posts it to the
local HTTPS receiver once, with the outbox's retries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask_babel import gettext as _
from sqlalchemy import select

from competitions.services import results
from lms.accounts.services import org_units
from lms.notifications import services as notifications
from lms.notifications.kinds import Kind
from lms.notifications.models import Delivery, DeliveryState
from lms.notifications.robots import services
from lms.notifications.robots.providers import Provider
from lms.notifications.sender import send_due
from tests.factories import UserFactory
from tests.unit.competitions.test_results import finished_competition


def _announcement() -> tuple[str, str]:
    return _("Results are published"), "明天 **9:00** 在礼堂集合。"


def _robot(unit: Any, receiver: Any, chat: str, provider: str = "wecom", **kwargs: Any) -> Any:
    return services.add_webhook(
        unit,
        provider=Provider(provider),
        name=chat,
        url=receiver.url(provider, chat),
        secret=kwargs.pop("secret", None),
        kinds=kwargs.pop("kinds", services.ROBOT_KINDS),
        by=None,
    )


def _deliveries(db: Any) -> list[Delivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(Delivery).where(Delivery.channel == "robot")))


@pytest.fixture
def tree(db: Any, make_user: Any) -> dict[str, Any]:
    units = {path: org_units.ensure_unit_path(path) for path in ("Org/A/G", "Org/B", "Other")}
    units["Org"] = org_units.unit_by_path("Org")
    units["Org/A"] = org_units.unit_by_path("Org/A")
    members = [make_user(username=f"m{n}", unit=units["Org/A/G"]) for n in range(3)]
    outsider = make_user(username="b1", unit=units["Org/B"])
    return {"units": units, "members": members, "outsider": outsider}


@pytest.fixture
def live_clock(clock: Any) -> Any:
    """The app's clock at the real time (robots' signatures must be fresh), moved by hand."""
    clock.now = datetime.now(UTC)
    return clock


def test_one_post_per_event_and_robot_of_the_units_concerned(
    app: Any, db: Any, tree: dict[str, Any], robot_receiver: Any, live_clock: Any
) -> None:
    units = tree["units"]
    org = _robot(units["Org"], robot_receiver, "org", "dingtalk", secret="SECorg")
    robot_receiver.secrets["org"] = "SECorg"
    group = _robot(units["Org/A/G"], robot_receiver, "group", "feishu")
    _robot(units["Org/B"], robot_receiver, "b")  # no recipient in Org/B
    _robot(units["Org/A"], robot_receiver, "a", kinds=["results_published"])  # not this kind
    _robot(units["Other"], robot_receiver, "other")
    app.config["SITE_URL"] = "https://study.example"
    first, second, third = (member.id for member in tree["members"])
    try:
        for batch in ([first, second], [third], [first, second, third]):  # one event, told thrice
            notifications.notify(
                batch, Kind.ANNOUNCEMENT, key="announcement:7", url="/a/7", message=_announcement
            )
        notifications.notify(
            [first], Kind.POINTS_AWARDED, key="points:1", url=None, message=_announcement
        )
        db.session.commit()
        assert sorted(d.key for d in _deliveries(db)) == [
            f"robot:announcement:7:{org.id}",
            f"robot:announcement:7:{group.id}",
        ]

        report = send_due()
        assert send_due().sent == 0
    finally:
        app.config["SITE_URL"] = None

    assert report.sent >= 2
    assert {d.state for d in _deliveries(db)} == {DeliveryState.SENT}
    by_chat = {got.token: got for got in robot_receiver.received}
    assert set(by_chat) == {"org", "group"}
    dingtalk = by_chat["org"].body["markdown"]
    assert dingtalk["title"] == "成绩已公布"  # the site's language, zh_Hans
    assert dingtalk["text"].endswith("(https://study.example/a/7)")
    assert by_chat["org"].query["sign"]
    post = by_chat["group"].body["content"]["post"]["zh_cn"]
    assert post["content"][0] == [{"tag": "text", "text": "明天 9:00 在礼堂集合。"}]
    assert post["content"][-1][0]["href"] == "https://study.example/a/7"


def test_rate_limits_are_retried_and_refusals_fail_at_once(
    db: Any, tree: dict[str, Any], robot_receiver: Any, live_clock: Any
) -> None:
    units = tree["units"]
    busy = _robot(units["Org/A/G"], robot_receiver, "busy")
    signed = _robot(units["Org"], robot_receiver, "signed", "feishu", secret="stale")
    robot_receiver.secrets["signed"] = "rotated in Feishu"
    gone = _robot(units["Org/A"], robot_receiver, "gone")
    member = tree["members"][0].id
    notifications.notify(
        [member], Kind.RESULTS_PUBLISHED, key="results:3", url=None, message=_announcement
    )
    services.remove_webhook(gone)
    db.session.commit()
    robot_receiver.answers["busy"] = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]

    send_due()

    states = {int(d.target or 0): d for d in _deliveries(db)}
    assert states[busy.id].state == DeliveryState.PENDING
    assert "45009" in (states[busy.id].last_error or "")
    assert states[signed.id].state == DeliveryState.FAILED
    assert "19021" in (states[signed.id].last_error or "")
    assert states[gone.id].state == DeliveryState.FAILED
    assert states[gone.id].last_error == _("The robot was removed before the message went out.")

    live_clock.advance(minutes=2)
    send_due()
    retried = next(d for d in _deliveries(db) if d.target == str(busy.id))
    assert (retried.state, retried.attempts) == (DeliveryState.SENT, 2)
    assert [got.token for got in robot_receiver.received].count("busy") == 2


def test_published_results_reach_the_winners_unit_robot_through_the_roof(
    db: Any, robot_receiver: Any, live_clock: Any
) -> None:
    competition, users = finished_competition([("winner", 10, 60, 10), ("runner", 5, 60, 10)])
    robot = _robot(users["winner"].unit, robot_receiver, "winners", kinds=["results_published"])
    organizer = UserFactory(role="organizer")

    results.publish_results(competition, organizer)
    db.session.commit()
    send_due()

    [delivery] = _deliveries(db)
    assert delivery.key == f"robot:results:{competition.id}:{robot.id}"
    [got] = robot_receiver.received
    assert "Quiz cup" in got.body["markdown"]["content"]

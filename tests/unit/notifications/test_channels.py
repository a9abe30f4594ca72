"""A channel of another package (the units' group robots) plugs into the registry and outbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from sqlalchemy import select

from lms.notifications.channels import CHANNELS, Channel, DeliveryError, register
from lms.notifications.models import Delivery, DeliveryState
from lms.notifications.sender import send_due
from lms.notifications.services import queue_delivery


class Recorder(Channel):
    key: ClassVar[str] = "recorder"
    label: ClassVar[Any] = "Recorder"

    def __init__(self) -> None:
        self.sent: list[Any] = []
        self.failing = False

    def send(self, message: Any) -> None:
        if message == "boom":
            raise RuntimeError("a bug in the channel")
        if self.failing:
            raise DeliveryError("the receiver answered 502")
        self.sent.append(message)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    channel = Recorder()
    register(channel)
    yield channel
    CHANNELS.pop(channel.key)


def test_one_delivery_per_key_sent_once_with_its_payload(db: Any, recorder: Recorder) -> None:
    first = queue_delivery("recorder", "robot:a:1", target="7", payload={"text": "hello"})
    again = queue_delivery("recorder", "robot:a:1", payload={"text": "other"})
    db.session.commit()

    assert first is not None and again is None
    assert send_due().sent == 1
    assert send_due().sent == 0
    assert recorder.sent == [{"text": "hello"}]
    with pytest.raises(ValueError, match="unknown notification channel"):
        queue_delivery("nowhere", "x")


def test_a_failing_receiver_is_tried_again_later(db: Any, recorder: Recorder, clock: Any) -> None:
    recorder.failing = True
    queue_delivery("recorder", "robot:b:1", payload="hi")
    db.session.commit()

    assert send_due().retrying == 1
    delivery = db.session.scalars(select(Delivery)).one()
    assert (delivery.state, delivery.last_error) == (
        DeliveryState.PENDING,
        "the receiver answered 502",
    )
    recorder.failing = False
    clock.advance(minutes=1)
    assert send_due().sent == 1
    assert recorder.sent == ["hi"]


def test_a_channel_that_breaks_fails_that_delivery_and_the_others_still_go(
    db: Any, recorder: Recorder
) -> None:
    queue_delivery("recorder", "robot:c:1", payload="boom")
    queue_delivery("recorder", "robot:c:2", payload="fine")
    db.session.commit()

    report = send_due()

    assert (report.sent, report.failed) == (1, 1)
    assert recorder.sent == ["fine"]
    broken = db.session.scalars(select(Delivery).where(Delivery.key == "robot:c:1")).one()
    assert broken.last_error == "RuntimeError: a bug in the channel"

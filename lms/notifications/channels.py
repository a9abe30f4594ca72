"""The channel registry: where a notification goes besides the in-app centre.

A channel sends one outbox :class:`~lms.notifications.models.Delivery`. A member channel
(email) is chosen by each member per kind on the preferences page, and notify() queues a
delivery for every member who chose it and can be reached. Other channels (the units' group
robots) queue their own deliveries with :func:`lms.notifications.services.queue_delivery`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from lms.notifications.kinds import Kind
from lms.notifications.models import Delivery


class DeliveryError(Exception):
    """A send failed. ``permanent``: trying again cannot help (no address, a refused
    recipient), so the delivery fails at once instead of being retried with backoff."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message
        self.permanent = permanent


Send = Callable[[Any], None]


class Channel(ABC):
    """How the sender uses a channel: for each delivery it calls :meth:`prepare` inside a
    transaction (read what the message needs), then, with no transaction open, opens
    :meth:`connection` once for a batch and calls the function it yields once per message.
    Both raise :class:`DeliveryError`; a failed ``connection`` fails the whole batch."""

    key: ClassVar[str]
    label: ClassVar[Any]

    def prepare(self, delivery: Delivery) -> Any:
        """The message to send for ``delivery`` (by default its stored payload)."""
        return delivery.payload

    @contextmanager
    def connection(self) -> Iterator[Send]:
        """A function that sends one prepared message (one connection for a batch)."""
        yield self.send

    @abstractmethod
    def send(self, message: Any) -> None:
        """Send one prepared message, or raise :class:`DeliveryError`."""


class MemberChannel(Channel):
    """A channel that members choose per kind; on by default for ``default_kinds``."""

    default_kinds: ClassVar[frozenset[Kind]] = frozenset()

    def available(self) -> bool:
        """Whether the site has set this channel up (members see it only then)."""
        return True

    @abstractmethod
    def reachable(self, user_ids: Collection[int]) -> set[int]:
        """Those of ``user_ids`` this channel has an address for."""


class EventChannel(Channel):
    """A channel told once per notify() call about the event itself, not per member: the
    units' group robots post one message per event to each group chat concerned."""

    @abstractmethod
    def queue_event(
        self,
        user_ids: Sequence[int],
        kind: Kind,
        *,
        key: str,
        url: str | None,
        message: Callable[[], tuple[str, str]],
    ) -> None:
        """Queue this event's deliveries (idempotent per ``key``); flush, never commit."""


CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    CHANNELS[channel.key] = channel
    return channel


def event_channels() -> list[EventChannel]:
    return [channel for channel in CHANNELS.values() if isinstance(channel, EventChannel)]


def member_channels() -> list[MemberChannel]:
    """The member channels the site has set up."""
    return [
        channel
        for channel in CHANNELS.values()
        if isinstance(channel, MemberChannel) and channel.available()
    ]

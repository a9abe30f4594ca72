"""The channel registry: where a notification goes besides the in-app centre.

A channel sends one outbox :class:`~lms.notifications.models.Delivery`. A member channel
(email) is chosen by each member per kind on the preferences page, and notify() queues a
delivery for every member who chose it and can be reached. Other channels (the units' group
robots) queue their own deliveries with :func:`lms.notifications.services.queue_delivery`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection
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


class Channel(ABC):
    key: ClassVar[str]
    label: ClassVar[Any]

    @abstractmethod
    def send(self, deliveries: list[Delivery]) -> dict[int, DeliveryError | None]:
        """Send these deliveries (one batch, so a channel may reuse one connection); the
        outcome for each delivery id: None when sent, else the error."""


class MemberChannel(Channel):
    """A channel that members choose per kind; on by default for ``default_kinds``."""

    default_kinds: ClassVar[frozenset[Kind]] = frozenset()

    @abstractmethod
    def reachable(self, user_ids: Collection[int]) -> set[int]:
        """Those of ``user_ids`` this channel has an address for."""


CHANNELS: dict[str, Channel] = {}


def register(channel: Channel) -> Channel:
    CHANNELS[channel.key] = channel
    return channel


def member_channels() -> list[MemberChannel]:
    return [channel for channel in CHANNELS.values() if isinstance(channel, MemberChannel)]

"""The robot channel of the outbox: an event that notify() tells members about is also posted,
once, to the group robots of the units concerned.

A unit's robot posts an event of a kind it was given (announcements, competitions opening,
results published) when any recipient belongs to the unit or to a unit below it. The message
is written once, in the site's language, and queued as one delivery per robot with the
idempotency key ``robot:<event key>:<robot id>``: notify() called again for the same event (or
for another batch of its members) queues nothing more. The sender posts it with the outbox's
retries and backoff; a refusal that trying again cannot fix (a wrong signature, a host no
longer allowed, a removed robot) fails at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar
from urllib.parse import urljoin

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import OrgUnit, User
from lms.core.backup.restore import batched
from lms.core.extensions import db
from lms.notifications.channels import DeliveryError, EventChannel, register
from lms.notifications.kinds import Kind
from lms.notifications.models import Delivery
from lms.notifications.robots import services
from lms.notifications.robots.models import RobotWebhook
from lms.notifications.robots.providers import Provider, RobotError, RobotMessage, SignedRequest
from lms.notifications.services import queue_delivery

KEY = "robot"
BATCH = 500
TITLE_LENGTH = 300


def delivery_key(event_key: str, webhook_id: int) -> str:
    return f"{KEY}:{event_key}:{webhook_id}"[:200]


def _unit_paths(user_ids: Sequence[int]) -> set[str]:
    paths: set[str] = set()
    for batch in batched(user_ids, BATCH):
        paths.update(
            db.session.scalars(
                select(OrgUnit.path)
                .join(User, User.unit_id == OrgUnit.id)
                .where(User.id.in_(batch))
            )
        )
    return paths


def _concerned(webhook: RobotWebhook, paths: set[str]) -> bool:
    own = webhook.unit.path
    return any(path == own or path.startswith(own + "/") for path in paths)


def robots_for(kind: Kind, user_ids: Sequence[int]) -> list[RobotWebhook]:
    """The robots that post ``kind`` and whose unit (or a unit below it) holds a recipient."""
    if kind.value not in services.ROBOT_KINDS:
        return []
    webhooks = [webhook for webhook in services.all_webhooks() if kind.value in webhook.kinds]
    if not webhooks or not user_ids:
        return []
    paths = _unit_paths(user_ids)
    return [webhook for webhook in webhooks if _concerned(webhook, paths)]


def recent_posts(webhooks: Sequence[RobotWebhook], limit: int = 20) -> Sequence[Delivery]:
    """The robots' latest outbox deliveries, newest first (their admin page)."""
    if not webhooks:
        return []
    return db.session.scalars(
        select(Delivery)
        .where(Delivery.channel == KEY, Delivery.target.in_([str(w.id) for w in webhooks]))
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()


class RobotChannel(EventChannel):
    key: ClassVar[str] = KEY
    label: ClassVar[Any] = _l("Group robots")

    def queue_event(
        self,
        user_ids: Sequence[int],
        kind: Kind,
        *,
        key: str,
        url: str | None,
        message: Callable[[], tuple[str, str]],
    ) -> None:
        robots = robots_for(kind, user_ids)
        if not robots:
            return
        language = current_app.config["DEFAULT_LANGUAGE"]
        with force_locale(language):
            title, body = message()
            link_text = _("Open in the study platform")
        site = current_app.config.get("SITE_URL")
        payload = {
            "title": str(title)[:TITLE_LENGTH],
            "body_md": str(body),
            "url": urljoin(site.rstrip("/") + "/", url) if site and url else None,
            "link_text": link_text,
            "language": language,
        }
        for webhook in robots:
            queue_delivery(
                KEY, delivery_key(key, webhook.id), target=str(webhook.id), payload=payload
            )

    def prepare(self, delivery: Delivery) -> tuple[Provider, SignedRequest]:
        webhook = db.session.get(RobotWebhook, int(delivery.target or 0))
        if webhook is None:
            raise DeliveryError(
                _("The robot was removed before the message went out."), permanent=True
            )
        payload = dict(delivery.payload or {})
        language = payload.pop("language", current_app.config["DEFAULT_LANGUAGE"])
        try:
            return services.signed_request(webhook, RobotMessage(**payload), language=language)
        except RobotError as error:
            raise DeliveryError(error.message, permanent=True) from error

    def send(self, message: tuple[Provider, SignedRequest]) -> None:
        try:
            services.post(*message)
        except RobotError as error:
            raise DeliveryError(error.message, permanent=not error.retryable) from error


register(RobotChannel())

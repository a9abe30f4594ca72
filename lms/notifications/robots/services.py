"""Units' group robots: the hosts an admin allows, adding and removing webhooks, posting."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from lms.accounts.models import OrgUnit, User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.settings import get_setting, set_setting
from lms.notifications.kinds import Kind
from lms.notifications.robots import transport
from lms.notifications.robots.models import RobotWebhook
from lms.notifications.robots.providers import (
    OFFICIAL_HOSTS,
    Provider,
    RobotError,
    RobotMessage,
    SignedRequest,
    address_problem,
    build_request,
    check_answer,
)

ALLOWED_HOSTS_SETTING = "robots.allowed_hosts"
# The events a robot may post.
ROBOT_KINDS = tuple(
    kind.value for kind in (Kind.ANNOUNCEMENT, Kind.COMPETITION_OPENING, Kind.RESULTS_PUBLISHED)
)
URL_MAX = 1000
SECRET_MAX = 200
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


def _ascii_host(name: str) -> str:
    """A host name as DNS spells it (例子.中国 -> xn--fsqu00a.xn--fiqs8s), or "" if it is none."""
    try:
        return name.rstrip(".").encode("idna").decode().lower()
    except UnicodeError:
        return ""


def allowed_hosts() -> list[str]:
    """The hosts robots' addresses may name (the official ones until an admin changes them)."""
    return list(get_setting(ALLOWED_HOSTS_SETTING, OFFICIAL_HOSTS))


def set_allowed_hosts(text: str) -> list[str]:
    """Keep the hosts listed in ``text`` (one a line, or separated by commas or spaces)."""
    hosts: list[str] = []
    for entry in re.split(r"[\s,，]+", text.strip().lower()):
        if not entry:
            continue
        host = _ascii_host(entry)
        if not _HOST.match(host):
            raise ValidationError(
                _("“%(entry)s” is not a host name (like oapi.dingtalk.com).", entry=entry[:80]),
                field="hosts",
            )
        if host not in hosts:
            hosts.append(host)
    set_setting(ALLOWED_HOSTS_SETTING, hosts)
    return hosts


def check_address(provider: Provider, url: str) -> str:
    """``url`` stripped, if it is an https address of an allowed host fit for ``provider``."""
    url = url.strip()
    if len(url) > URL_MAX:
        raise ValidationError(_("The address is too long."), field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise ValidationError(_("This is not a web address."), field="url") from None
    if parts.scheme.lower() != "https":
        raise ValidationError(_("Only https addresses are allowed."), field="url")
    host = _ascii_host(parts.hostname or "")
    if not host or parts.username or parts.password or parts.fragment:
        raise ValidationError(_("This is not a web address."), field="url")
    if host not in allowed_hosts():
        raise ValidationError(
            _(
                "Robots may not post to %(host)s: it is not one of the hosts an admin allowed.",
                host=host,
            ),
            field="url",
        )
    problem = address_problem(provider, url)
    if problem:
        raise ValidationError(problem, field="url")
    return url


def webhooks_of(unit: OrgUnit) -> Sequence[RobotWebhook]:
    return db.session.scalars(
        select(RobotWebhook).where(RobotWebhook.unit_id == unit.id).order_by(RobotWebhook.id)
    ).all()


def all_webhooks() -> Sequence[RobotWebhook]:
    return db.session.scalars(
        select(RobotWebhook).join(RobotWebhook.unit).order_by(OrgUnit.path, RobotWebhook.id)
    ).all()


def get_webhook(unit: OrgUnit, webhook_id: int) -> RobotWebhook:
    webhook = db.session.get(RobotWebhook, webhook_id)
    if webhook is None or webhook.unit_id != unit.id:
        raise NotFoundError(_("There is no such robot."))
    return webhook


def add_webhook(
    unit: OrgUnit,
    *,
    provider: Provider,
    name: str,
    url: str,
    secret: str | None,
    kinds: Iterable[str],
    by: User | None,
) -> RobotWebhook:
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the robot a name."), field="name")
    url = check_address(provider, url)
    secret = (secret or "").strip() or None
    if secret and provider is Provider.WECOM:
        raise ValidationError(
            _("WeCom robots have no signing secret: their key is in the address."), field="secret"
        )
    if secret and len(secret) > SECRET_MAX:
        raise ValidationError(_("The secret is too long."), field="secret")
    chosen = [kind for kind in ROBOT_KINDS if kind in set(kinds)]
    if any(webhook.url == url for webhook in webhooks_of(unit)):
        raise ConflictError(_("This unit already has a robot at this address."), field="url")
    webhook = RobotWebhook(
        unit_id=unit.id,
        provider=provider.value,
        name=name[:100],
        url=url,
        secret=secret,
        kinds=chosen,
        created_by_id=by.id if by else None,
    )
    db.session.add(webhook)
    db.session.flush()
    return webhook


def remove_webhook(webhook: RobotWebhook) -> None:
    db.session.delete(webhook)
    db.session.flush()


def signed_request(
    webhook: RobotWebhook, message: RobotMessage, *, language: str
) -> tuple[Provider, SignedRequest]:
    """What to POST for ``message``, signed now. The address is checked again: an admin may
    have withdrawn its host since the robot was added (a :class:`RobotError` then)."""
    provider = Provider(webhook.provider)
    try:
        check_address(provider, webhook.url)
    except ValidationError as error:
        raise RobotError(error.message, retryable=False) from error
    request = build_request(
        provider, webhook.url, webhook.secret, message, now=utcnow(), language=language
    )
    return provider, request


def post(provider: Provider, request: SignedRequest) -> None:
    """POST a signed request; raise :class:`RobotError` unless the robot took the message.
    Reads and writes nothing in the database (the sender calls it outside a transaction)."""
    answer = transport.post_json(request.url, request.body)
    check_answer(provider, answer.status, answer.body)


def deliver(webhook: RobotWebhook, message: RobotMessage) -> None:
    """Post ``message`` now, in the current language; note the outcome on the webhook and
    raise :class:`RobotError` when the robot did not take it."""
    try:
        post(*signed_request(webhook, message, language=str(get_locale() or "zh_Hans")))
    except RobotError as error:
        webhook.last_error = error.message[:500]
        db.session.flush()
        raise
    webhook.last_sent_at = utcnow()
    webhook.last_error = None
    db.session.flush()


def send_test(webhook: RobotWebhook, *, home_url: str) -> str | None:
    """Post a test message now, in the current language (an admin waits for the answer).
    Returns None when the robot took it, else why not (also noted on the webhook)."""
    message = RobotMessage(
        title=_("Test message from the study platform"),
        body_md=_(
            "The robot “%(name)s” of **%(unit)s** works: announcements and competitions "
            "will be posted here.",
            name=webhook.name,
            unit=webhook.unit.path,
        ),
        url=home_url,
        link_text=_("Open the study platform"),
    )
    try:
        deliver(webhook, message)
    except RobotError as error:
        return error.message
    return None

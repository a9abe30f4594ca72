"""The email channel: SMTP (``LMS_SMTP_*``), one connection per batch, HTML and text parts."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Collection, Iterator
from contextlib import ExitStack, contextmanager
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any, ClassVar
from urllib.parse import urljoin

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.accounts.models import User
from lms.core.errors import ValidationError
from lms.core.extensions import db
from lms.core.markup import render_markdown
from lms.notifications.channels import DeliveryError, MemberChannel, Send, register
from lms.notifications.kinds import Kind
from lms.notifications.models import Delivery, Notification, NotificationAddress

SECURITY = ("starttls", "ssl", "none")


def _problems() -> tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...]:
    """(error types, message) from the most to the least precise; the messages take
    ``%(where)s`` (host:port) and ``%(detail)s`` (the server's words)."""
    return (
        (
            smtplib.SMTPAuthenticationError,
            _("The SMTP server at %(where)s refused the user name or password."),
        ),
        (
            (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused),
            _("The SMTP server refused the address: %(detail)s"),
        ),
        (
            smtplib.SMTPNotSupportedError,
            _(
                "The SMTP server at %(where)s does not offer what the settings ask for "
                "(STARTTLS or a login): check LMS_SMTP_SECURITY."
            ),
        ),
        (
            ssl.SSLError,
            _(
                "The TLS connection to %(where)s failed (%(detail)s): check LMS_SMTP_SECURITY "
                "and LMS_SMTP_PORT."
            ),
        ),
        (TimeoutError, _("The SMTP server at %(where)s did not answer in time.")),
        (smtplib.SMTPException, _("The SMTP server at %(where)s failed: %(detail)s")),
        (OSError, _("Could not connect to the SMTP server at %(where)s: %(detail)s")),
    )


def smtp_problem(error: BaseException) -> str:
    """What went wrong with the SMTP settings or server, said so that an admin can fix it."""
    config = current_app.config
    values = {
        "where": f"{config['SMTP_HOST']}:{config['SMTP_PORT']}",
        "detail": (str(error) or error.__class__.__name__)[:300],
    }
    for types, message in _problems():
        if isinstance(error, types):
            return message % values
    return _("The SMTP server at %(where)s failed: %(detail)s") % values


@contextmanager
def smtp_connection() -> Iterator[smtplib.SMTP]:
    """A logged-in SMTP connection as the settings say; raises what smtplib raises."""
    config = current_app.config
    security = str(config["SMTP_SECURITY"]).lower()
    host, port = config["SMTP_HOST"], int(config["SMTP_PORT"])
    timeout = float(config["SMTP_TIMEOUT_SECONDS"])
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if security == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if security == "starttls":
            smtp.starttls(context=context)
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        yield smtp
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def build_message(
    *, to: str, title: str, body_md: str, url: str | None, message_id: str | None = None
) -> EmailMessage:
    """An email of a text part (the Markdown as written) and an HTML part (rendered and
    sanitised as every Markdown on the site); a link to ``url`` when the site's address is
    known. Call it under the reader's locale."""
    site = current_app.config["SITE_URL"]
    link = urljoin(site.rstrip("/") + "/", url) if site and url else None
    message = EmailMessage()
    message["Subject"] = " ".join(title.split())  # a header holds no line breaks
    message["From"] = current_app.config["SMTP_SENDER"]
    message["To"] = to
    message["Message-ID"] = message_id or make_msgid(domain=_domain())
    text = body_md.strip()
    if link:
        text += "\n\n" + _("Open: %(link)s", link=link)
    message.set_content(text + "\n")
    html = render_template(
        "notifications/email.html", title=title, body=render_markdown(body_md), link=link
    )
    message.add_alternative(html, subtype="html")
    return message


def _domain() -> str:
    sender = str(current_app.config["SMTP_SENDER"])
    return sender.rsplit("@", 1)[-1].strip(" >") or "localhost"


def send_test_message(address: str) -> None:
    """Send a test email to ``address`` now (the admin's "send a test message"); a wrong
    setting raises a ValidationError whose message says what to fix."""
    if not current_app.config["SMTP_HOST"]:
        raise ValidationError(_("Email is not set up: set LMS_SMTP_HOST and restart the site."))
    if str(current_app.config["SMTP_SECURITY"]).lower() not in SECURITY:
        raise ValidationError(_("LMS_SMTP_SECURITY must be starttls, ssl or none."))
    message = build_message(
        to=address,
        title=_("Test message from the study platform"),
        body_md=_("If you can read this, the site can send email."),
        url="/",
    )
    try:
        with smtp_connection() as smtp:
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise ValidationError(smtp_problem(error), field="address") from error


class EmailChannel(MemberChannel):
    key: ClassVar[str] = "email"
    label: ClassVar[Any] = _l("Email")
    default_kinds: ClassVar[frozenset[Kind]] = frozenset(
        {
            Kind.COURSE_ASSIGNED,
            Kind.COURSE_DUE,
            Kind.GRADE_RELEASED,
            Kind.RESULTS_PUBLISHED,
            Kind.ANNOUNCEMENT,
        }
    )

    def available(self) -> bool:
        return bool(current_app.config["SMTP_HOST"])

    def reachable(self, user_ids: Collection[int]) -> set[int]:
        return set(
            db.session.scalars(
                select(NotificationAddress.user_id).where(
                    NotificationAddress.user_id.in_(user_ids),
                    NotificationAddress.email.is_not(None),
                )
            )
        )

    def prepare(self, delivery: Delivery) -> EmailMessage:
        notification = db.session.get(Notification, delivery.notification_id)
        address = db.session.get(NotificationAddress, getattr(notification, "user_id", 0))
        if notification is None or address is None or not address.email:
            raise DeliveryError("no email address", permanent=True)
        user = db.session.get(User, notification.user_id)
        language = (user.language if user else None) or current_app.config["DEFAULT_LANGUAGE"]
        with force_locale(language):
            return build_message(
                to=formataddr((user.display_name if user else "", address.email)),
                title=notification.title,
                body_md=notification.body_md,
                url=notification.url,
                message_id=f"<{delivery.key.replace(':', '.')}@{_domain()}>",
            )

    @contextmanager
    def connection(self) -> Iterator[Send]:
        if not self.available():
            raise DeliveryError("LMS_SMTP_HOST is not set")
        with ExitStack() as stack:
            try:
                smtp = stack.enter_context(smtp_connection())
            except (smtplib.SMTPException, OSError) as error:
                raise DeliveryError(smtp_problem(error)) from error
            yield lambda message: self._send(smtp, message)

    def _send(self, smtp: smtplib.SMTP, message: EmailMessage) -> None:
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(smtp_problem(error), permanent=True) from error
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(smtp_problem(error)) from error

    def send(self, message: Any) -> None:
        with self.connection() as send:
            send(message)


register(EmailChannel())

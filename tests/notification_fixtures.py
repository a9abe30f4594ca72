"""A local SMTP server (aiosmtpd) for the email channel's tests, and SMTP settings for it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flask import Flask

SMTP_USER, SMTP_PASSWORD = "mailer", "mail-secret"


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients the server refuses

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture
def mailbox(app: Flask, smtp_server: tuple[Mailbox, int]) -> Iterator[Mailbox]:
    """The app sends email to the local server (plain SMTP with a login) while the test runs."""
    box, port = smtp_server
    settings = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_SECURITY": "none",
        "SMTP_USERNAME": SMTP_USER,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "SMTP_SENDER": "Study Platform <noreply@study.example>",
        "SITE_URL": "https://study.example",
    }
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    yield box
    app.config.update(saved)

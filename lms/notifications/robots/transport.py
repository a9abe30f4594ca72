"""One HTTPS POST to a robot, with every way it can fail told in words an admin can act on.

Certificates are always verified (``LMS_ROBOT_CA_FILE`` adds a CA to trust, for a company's
own gateway); redirects are never followed, so a robot's address reaches only the host that
was allowed; the answer is read up to a limit.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from lms.notifications.robots.providers import RobotError

ANSWER_LIMIT_BYTES = 64 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def _context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    extra = current_app.config.get("ROBOT_CA_FILE")
    if extra:
        context.load_verify_locations(cafile=extra)
    return context


def post_json(url: str, body: bytes) -> Answer:
    """POST ``body`` as JSON to the https ``url``; raise :class:`RobotError` when it fails."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    seconds = float(current_app.config["ROBOT_TIMEOUT_SECONDS"])
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPSConnection(
        host, parts.port or 443, timeout=seconds, context=_context()
    )
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "lms"},
        )
        response = connection.getresponse()
        answer = Answer(response.status, response.read(ANSWER_LIMIT_BYTES))
    except ssl.SSLCertVerificationError as error:
        raise RobotError(
            _(
                "The certificate of %(host)s could not be verified (%(reason)s).",
                host=host,
                reason=error.verify_message or error.reason,
            ),
            retryable=False,
        ) from error
    except socket.gaierror as error:
        raise RobotError(
            _("The host %(host)s could not be found.", host=host), retryable=True
        ) from error
    except TimeoutError as error:
        raise RobotError(
            _(
                "%(host)s did not answer within %(seconds)d seconds.",
                host=host,
                seconds=round(seconds),
            ),
            retryable=True,
        ) from error
    except (OSError, http.client.HTTPException) as error:
        raise RobotError(
            _(
                "Could not reach %(host)s: %(reason)s",
                host=host,
                reason=str(error) or type(error).__name__,
            ),
            retryable=True,
        ) from error
    finally:
        connection.close()
    if 300 <= answer.status < 400:
        raise RobotError(
            _(
                "%(host)s answered with a redirect (HTTP %(status)d); robots' addresses are "
                "used exactly as given.",
                host=host,
                status=answer.status,
            ),
            retryable=False,
        )
    return answer

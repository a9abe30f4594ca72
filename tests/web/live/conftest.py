"""Live sessions through the API: a host with a session over a committed quiz, members."""

from __future__ import annotations

from typing import Any

import pytest

from live.services import joining, sessions
from live.services.sessions import SessionSettings
from lms.accounts.models import User
from tests.factories import UserFactory
from tests.quiz_factories import make_bank, make_quiz

LIVE_TYPES = ("single_choice", "multiple_choice", "true_false")


@pytest.fixture
def live_quiz(db: Any) -> Any:
    quiz = make_quiz(make_bank(types=LIVE_TYPES))
    db.session.commit()
    return quiz


@pytest.fixture
def host(db: Any) -> User:
    user = UserFactory(username="host", role="organizer")
    db.session.commit()
    return user


@pytest.fixture
def started(client: Any, login_as: Any, host: User, live_quiz: Any) -> Any:
    """A session created through the API by the host, who stays logged in: {id, pin, ...}."""

    def _start(**body: Any) -> dict[str, Any]:
        login_as(host)
        response = client.post("/api/v1/live-sessions", json={"quiz_id": live_quiz.id, **body})
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _start


@pytest.fixture
def make_session_for_channels(db: Any, host: User, live_quiz: Any) -> Any:
    """A session with a member and a guest joined: (session, host, member's player, guest)."""
    session = sessions.create_session(host, SessionSettings(guests=True), quiz=live_quiz)
    member = UserFactory(username="player")
    joining.join(session.pin, user=member)
    guest = joining.join(session.pin, nickname="Guest")
    db.session.commit()
    return session, host, member, guest

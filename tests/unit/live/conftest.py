"""A committed bank of live-answerable questions, a quiz over it, a host and players."""

from __future__ import annotations

from typing import Any

import pytest

from live.models import LiveSession
from live.services import sessions
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
def make_session(db: Any, host: User, live_quiz: Any) -> Any:
    def _make(**settings: Any) -> LiveSession:
        session = sessions.create_session(host, SessionSettings(**settings), quiz=live_quiz)
        db.session.commit()
        return session

    return _make

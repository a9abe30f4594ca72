"""Property-based tests of the whole JSON API, generated from its OpenAPI document by
schemathesis: every operation, as a member, an organizer and an admin with a bearer token,
against real objects made by the ``world`` fixture, with requests that follow the document,
requests that break it, and hostile bodies (tests/api/hostile.py). No answer may be a 5xx;
every answer has a documented status and matches its schema (errors: the error body).

The run is bounded and repeatable: ``MAX_EXAMPLES`` per operation and role, derandomized, no
example database, so the whole API takes about a minute per database back end on two cores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode

from competitions.services import registration
from live.services import joining
from live.services import sessions as live_sessions
from live.services.sessions import SessionSettings
from lms.accounts.models import User
from lms.accounts.services import tokens
from lms.core.extensions import db as _db
from lms.notifications import announcements
from lms.notifications.announcements import AnnouncementDraft
from quizzes.services import attempts
from tests.api.hostile import hostile_bodies
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.competitions.helpers import running

MAX_EXAMPLES = 12
ROLES = ("member", "organizer", "admin")
BOUNDED = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


def _token(user: User) -> str:
    """A fresh bearer token, issued without the login endpoint (whose rate limit the fuzzing
    of POST /auth/token uses up)."""
    secret = tokens.issue_api_token(user).secret
    _db.session.commit()
    return secret


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """What the requests aim at: a course with lessons, a quiz of every question type with the
    member's attempt in progress, a running competition over it, one user of each role."""
    unit = OrgUnitFactory(name="Branch", parent=OrgUnitFactory(name="Org"))
    users = {role: UserFactory(username=f"fuzz-{role}", role=role, unit=unit) for role in ROLES}
    module = make_course(title="Fuzzed course").modules[0]
    quiz = make_quiz(make_bank("Fuzz bank"))
    competition = running([quiz])
    registration.register(users["member"], competition)
    attempt = attempts.start(users["member"], quiz)
    live = live_sessions.create_session(
        users["organizer"],
        SessionSettings(guests=True),
        question_ids=[q.id for q in make_bank("Live bank", types=("single_choice", "true_false"))],
    )
    joining.join(live.pin, user=users["member"])
    live_sessions.advance(live)  # its first question is open
    notice = announcements.publish(
        users["organizer"], AnnouncementDraft("Fuzzed notice", requires_ack=True)
    )
    db.session.commit()
    return {
        "users": users,
        "ids": {
            "course_id": module.course_id,
            "module_id": module.id,
            "item_id": module.items[0].id,
            "quiz_id": quiz.id,
            "attempt_id": attempt.id,
            "slot": 1,
            "competition_id": competition.id,
            "session_id": live.id,
            "announcement_id": notice.id,
        },
    }


def _operations(client: FlaskClient) -> list[APIOperation]:
    document = client.get("/api/v1/openapi.json").get_json()
    return [result.ok() for result in schemathesis.openapi.from_dict(document).get_all_operations()]


def _fuzz(
    app: Flask, client: FlaskClient, operation: APIOperation, ids: dict[str, int], bearer: Any
) -> None:
    """Run one operation's bounded examples, valid and invalid, aimed at the world's objects."""
    cases = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @BOUNDED
    @given(case=cases)
    def run(case: Case) -> None:
        case.path_parameters = {
            name: ids.get(name, value) for name, value in (case.path_parameters or {}).items()
        }
        headers = {"Authorization": f"Bearer {bearer()}"}
        response = case.call(app=app, session=client, headers=headers)
        where = f"{case.method} {case.formatted_path} answered {response.status_code}"
        assert response.status_code < 500, f"{where}: {response.text[:500]}\n{case.body!r}"
        documented = operation.definition.raw["responses"]
        status = response.status_code
        assert str(status) in documented or f"{status // 100}XX" in documented, where
        case.operation.validate_response(response, case=case)  # errors too: the error body

    run()


def _fuzz_hostile(
    client: FlaskClient, operation: APIOperation, ids: dict[str, int], bearer: Any
) -> None:
    """Run one operation's bounded hostile bodies (tests/api/hostile.py), sent as raw JSON."""

    @BOUNDED
    @given(drawn=hostile_bodies(operation))
    def run(drawn: tuple[Case, bytes]) -> None:
        case, raw = drawn
        path = operation.path.format(**{**(case.path_parameters or {}), **ids})
        response = client.open(
            path,
            method=case.method,
            data=raw,
            content_type="application/json",
            headers={"Authorization": f"Bearer {bearer()}"},
        )
        where = f"{case.method} {path} answered {response.status_code}"
        assert response.status_code < 500, f"{where}: {response.text[:500]}\n{raw[:300]!r}"
        assert "error" in response.get_json() or response.status_code < 300, where

    run()


@pytest.mark.parametrize("role", ROLES)
def test_no_request_answers_5xx(app: Flask, client: FlaskClient, world, role):
    user = world["users"][role]
    token = _token(user)
    for operation in _operations(client):
        revokes = operation.method.upper() == "DELETE" and operation.path == "/api/v1/auth/token"
        bearer: Callable[[], str] = (lambda: _token(user)) if revokes else (lambda: token)
        _fuzz(app, client, operation, world["ids"], bearer)
        if operation.body:
            _fuzz_hostile(client, operation, world["ids"], bearer)

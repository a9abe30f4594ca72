"""Creating a live session, joining it by PIN, and the host's state machine on the server clock."""

from __future__ import annotations

import pytest

from live.models import LiveState
from live.services import joining, sessions
from live.services.errors import WrongStateError
from live.services.sessions import SessionSettings
from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from tests.factories import UserFactory
from tests.quiz_factories import make_bank, make_quiz


def test_a_session_draws_its_questions_with_opaque_options_and_a_pin(make_session):
    session = make_session(title="Branch meeting")
    assert session.state == LiveState.LOBBY
    assert len(session.pin) == 6 and session.pin.isdigit()
    assert [q.version.type for q in session.questions] == [
        "single_choice",
        "multiple_choice",
        "true_false",
    ]
    real_ids = {"a", "b", "c", "true", "false"}
    for question in session.questions:
        tokens = [token for token, _real in question.choices["options"]]
        assert tokens and not set(tokens) & real_ids


def test_only_tap_answer_types_go_live(db, host):
    quiz = make_quiz(make_bank(types=("single_choice", "short_answer")))
    with pytest.raises(ValidationError) as refused:
        sessions.create_session(host, SessionSettings(), quiz=quiz)
    assert refused.value.code == "unsupported_type"


def test_joining_twice_returns_the_same_player(db, make_session):
    session = make_session()
    member = UserFactory()
    first = joining.join(session.pin, user=member)
    again = joining.join(session.pin, user=member)
    assert first.id == again.id
    with pytest.raises(NotFoundError):
        joining.join("000000" if session.pin != "000000" else "111111", user=member)


def test_guests_need_the_session_to_take_them(db, make_session):
    closed = make_session()
    with pytest.raises(PermissionDeniedError):
        joining.join(closed.pin, nickname="Visitor")
    open_ = make_session(guests=True)
    guest = joining.join(open_.pin, nickname="  Visitor  ")
    assert guest.nickname == "Visitor" and guest.guest_key
    assert joining.join(open_.pin, guest_key=guest.guest_key).id == guest.id
    with pytest.raises(ValidationError):
        joining.join(open_.pin, nickname="Visitor")


def test_the_host_walks_the_states_to_the_end(db, make_session):
    session = make_session()
    walked = []
    while session.state != LiveState.FINISHED:
        sessions.advance(session)
        walked.append((session.state, session.current_index))
    assert walked == [
        ("question", 0), ("reveal", 0), ("leaderboard", 0),
        ("question", 1), ("reveal", 1), ("leaderboard", 1),
        ("question", 2), ("reveal", 2), ("leaderboard", 2),
        ("finished", 2),
    ]  # fmt: skip
    with pytest.raises(WrongStateError):
        sessions.advance(session)


def test_a_question_closes_at_its_deadline_without_a_timer(db, make_session, clock):
    session = make_session(seconds_per_question=20)
    sessions.advance(session)
    clock.advance(seconds=12)
    assert sessions.seconds_left(session) == 8
    sessions.pause(session)
    clock.advance(seconds=100)
    assert sessions.effective_state(session) == "question"
    sessions.resume(session)
    assert sessions.seconds_left(session) == 8
    clock.advance(seconds=8)
    assert sessions.effective_state(session) == "reveal"
    sessions.advance(session)  # the host's next after the deadline: on to the leaderboard
    assert session.state == "leaderboard"


def test_closing_shows_the_reveal_once_and_keeps_the_deadline(db, make_session, clock):
    session = make_session(seconds_per_question=10)
    sessions.advance(session)
    clock.advance(seconds=15)
    sessions.close(session)  # the host's console at the end of the countdown, a bit late
    question = sessions.current_question(session)
    assert session.state == "reveal" and question.closed_at == session.question_deadline
    version = session.version
    sessions.close(session)  # a second call changes nothing
    assert session.state == "reveal" and session.version == version


def test_a_pin_taken_meanwhile_is_drawn_again(db, make_session, monkeypatch):
    first = make_session()
    pins = iter([first.pin, "123456" if first.pin != "123456" else "654321"])
    monkeypatch.setattr(sessions, "new_pin", lambda: next(pins))  # as if a parallel request won
    second = make_session()
    assert second.pin != first.pin
    finished = sessions.end(first)
    assert finished.state == "finished"  # a finished session frees its PIN

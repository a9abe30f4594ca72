"""The phones' answer path (``answers.submit_at_once``): one read and one insert for the common
answer, the same stored answer as the general path, and None (nothing stored) for anything
else, which the general path then decides."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from live.models import LiveAnswer
from live.services import answers, joining, sessions
from live.services.errors import AlreadyAnsweredError
from lms.core.errors import ValidationError
from tests.factories import UserFactory
from tests.unit.live.helpers import right, wrong
from tests.unit.live.stage_helpers import go_to, make_stage


def _players(session, count):
    return [joining.join(session.pin, user=UserFactory()) for _ in range(count)]


def _stored(db, session) -> int:
    return db.session.scalar(
        select(func.count()).select_from(LiveAnswer).where(LiveAnswer.session_id == session.id)
    )


def _columns(answer: LiveAnswer) -> tuple:
    return (
        answer.index,
        answer.is_correct,
        answer.points,
        answer.elapsed_ms,
        answer.fraction,
        answer.response,
    )


def test_the_common_answer_is_stored_as_the_general_path_stores_it(db, make_session, clock):
    session = make_session(scoring="speed", seconds_per_question=20, streak_bonus=True)
    at_once, general, wrong_at_once, wrong_general = _players(session, 4)
    sessions.advance(session)
    question = sessions.current_question(session)
    clock.advance(seconds=5)
    fast = answers.submit_at_once(
        session.id, 0, right(question), user_id=at_once.user_id, guest_key=None
    )
    slow = answers.submit(session, general, 0, right(question))
    assert fast is not None and fast.player_id == at_once.id
    assert _columns(fast) == _columns(slow) and fast.points == 875
    missed = answers.submit_at_once(
        session.id, 0, wrong(question), user_id=wrong_at_once.user_id, guest_key=None
    )
    assert missed is not None
    assert _columns(missed) == _columns(answers.submit(session, wrong_general, 0, wrong(question)))
    assert missed.points == 0 and not missed.is_correct
    assert _stored(db, session) == 4


def test_streaks_count_in_the_one_statement_path(db, make_session):
    session = make_session(scoring="accuracy", streak_bonus=True)
    (player,) = _players(session, 1)
    for index in range(2):
        sessions.advance(session)  # the question opens
        question = sessions.current_question(session)
        stored = answers.submit_at_once(
            session.id, index, right(question), user_id=player.user_id, guest_key=None
        )
        assert stored is not None and stored.points == 100 + 10 * index
        sessions.advance(session)  # reveal: the streak grows
        sessions.advance(session)  # leaderboard


def test_a_second_answer_and_a_bad_answer_are_refused(db, make_session):
    session = make_session()
    (player,) = _players(session, 1)
    sessions.advance(session)
    question = sessions.current_question(session)
    with pytest.raises(ValidationError):
        answers.submit_at_once(
            session.id, 0, "no-such-option", user_id=player.user_id, guest_key=None
        )
    answers.submit_at_once(session.id, 0, right(question), user_id=player.user_id, guest_key=None)
    with pytest.raises(AlreadyAnsweredError):
        answers.submit_at_once(
            session.id, 0, wrong(question), user_id=player.user_id, guest_key=None
        )
    assert _stored(db, session) == 1


def test_a_guest_answers_by_the_key_in_their_cookie(db, make_session):
    session = make_session(guests=True)
    guest = joining.join(session.pin, nickname="Visitor")
    sessions.advance(session)
    question = sessions.current_question(session)
    assert (
        answers.submit_at_once(session.id, 0, right(question), user_id=None, guest_key="nope")
        is None
    )
    stored = answers.submit_at_once(
        session.id, 0, right(question), user_id=None, guest_key=guest.guest_key
    )
    assert stored is not None and stored.player_id == guest.id


def test_anything_uncommon_goes_to_the_general_path_and_stores_nothing(db, make_session, clock):
    session = make_session(seconds_per_question=10)
    (player,) = _players(session, 1)
    stranger = UserFactory()
    db.session.commit()

    def at_once(index, answer, user_id=player.user_id):
        return answers.submit_at_once(session.id, index, answer, user_id=user_id, guest_key=None)

    assert at_once(0, "x") is None  # the lobby: no question is open
    sessions.advance(session)
    question = sessions.current_question(session)
    assert at_once(0, right(question), user_id=stranger.id) is None  # not a player
    assert (
        answers.submit_at_once(session.id, 0, right(question), user_id=None, guest_key=None) is None
    )
    assert at_once(1, right(question)) is None  # not the open question
    assert at_once(True, right(question)) is None  # not a whole number
    assert (
        answers.submit_at_once(
            session.id + 1000, 0, right(question), user_id=player.user_id, guest_key=None
        )
        is None
    )
    sessions.pause(session)
    assert at_once(0, right(question)) is None
    sessions.resume(session)
    clock.advance(seconds=10)
    assert at_once(0, right(question)) is None  # the deadline has passed
    assert _stored(db, session) == 0


def test_stage_sessions_take_the_general_path(db):
    stage = make_stage(db)
    go_to(stage.session, 0)  # Red's required question is open
    stored = answers.submit_at_once(
        stage.session.id,
        0,
        right(stage.session.questions[0]),
        user_id=stage.red_player.user_id,
        guest_key=None,
    )
    assert stored is None and _stored(db, stage.session) == 0

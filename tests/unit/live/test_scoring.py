"""Answers on the server clock: accuracy and speed points, streaks, pauses, deadlines, one
answer per player, scores that change only when the question closes, and study points."""

from __future__ import annotations

import pytest

from live.services import answers, board, joining, sessions
from live.services.errors import AlreadyAnsweredError, ClosedError
from lms.core.errors import ValidationError
from lms.points.models import PointEntry
from tests.factories import UserFactory
from tests.unit.live.helpers import right, wrong


def _players(session, count):
    return [joining.join(session.pin, user=UserFactory()) for _ in range(count)]


def test_speed_points_fall_with_the_server_measured_time(db, make_session, clock):
    session = make_session(scoring="speed", seconds_per_question=20)
    fast, half, slow, wrong_one = _players(session, 4)
    sessions.advance(session)
    question = sessions.current_question(session)
    assert answers.submit(session, fast, 0, right(question)).points == 1000
    clock.advance(seconds=10)
    assert answers.submit(session, half, 0, right(question)).points == 750
    assert answers.submit(session, wrong_one, 0, wrong(question)).points == 0
    clock.advance(seconds=9, milliseconds=999)
    late = answers.submit(session, slow, 0, right(question))
    assert late.points == 500 and late.elapsed_ms == 19_999


def test_pauses_do_not_count_as_answer_time(db, make_session, clock):
    session = make_session(scoring="speed", seconds_per_question=20)
    (player,) = _players(session, 1)
    sessions.advance(session)
    clock.advance(seconds=4)
    sessions.pause(session)
    clock.advance(seconds=60)
    with pytest.raises(ClosedError):
        answers.submit(session, player, 0, right(sessions.current_question(session)))
    sessions.resume(session)
    clock.advance(seconds=6)
    answer = answers.submit(session, player, 0, right(sessions.current_question(session)))
    assert answer.elapsed_ms == 10_000 and answer.points == 750


def test_one_answer_per_player_and_none_after_the_deadline(db, make_session, clock):
    session = make_session(seconds_per_question=10)
    first, late = _players(session, 2)
    sessions.advance(session)
    question = sessions.current_question(session)
    answers.submit(session, first, 0, wrong(question))
    with pytest.raises(AlreadyAnsweredError):
        answers.submit(session, first, 0, right(question))
    with pytest.raises(ClosedError):
        answers.submit(session, first, 1, right(question))  # not the open question
    clock.advance(seconds=10)
    with pytest.raises(ClosedError):
        answers.submit(session, late, 0, right(question))
    assert session.state == "reveal" and question.closed_at == session.question_deadline


def test_scores_change_when_the_question_closes_and_streaks_add_a_bonus(db, make_session):
    session = make_session(streak_bonus=True)
    steady, missing = _players(session, 2)
    expected = [100, 210, 330]  # 100 a right answer, +10 % per right answer in a row before
    for index, total in enumerate(expected):
        sessions.advance(session)
        question = sessions.current_question(session)
        answers.submit(session, steady, index, right(question))
        if index == 0:
            answers.submit(session, missing, index, right(question))
        db.session.refresh(steady)
        assert steady.score == (expected[index - 1] if index else 0)  # not before the close
        assert board.rank_of(session, steady) == 1
        sessions.advance(session)  # reveal: points are added now
        db.session.refresh(steady)
        assert steady.score == total and steady.streak == index + 1
        sessions.advance(session)
    db.session.refresh(missing)
    assert missing.score == 100 and missing.streak == 0 and missing.correct_count == 1
    entries = board.leaderboard(session)
    assert [(e.rank, e.score) for e in entries] == [(1, 330), (2, 100)]


def test_the_reveal_counts_opaque_option_ids(db, make_session):
    session = make_session()
    players = _players(session, 3)
    sessions.advance(session)
    question = sessions.current_question(session)
    answers.submit(session, players[0], 0, right(question))
    answers.submit(session, players[1], 0, right(question))
    answers.submit(session, players[2], 0, wrong(question))
    sessions.advance(session)
    reveal = board.reveal(session)
    assert reveal["correct"] == [right(question)]
    assert reveal["counts"][right(question)] == 2 and reveal["counts"][wrong(question)] == 1
    assert set(reveal["counts"]) == {token for token, _real in question.choices["options"]}


def test_true_false_takes_an_option_id_or_a_boolean(db, make_session):
    session = make_session()
    by_token, by_bool = _players(session, 2)
    for _step in range(7):  # to the third question, true/false
        sessions.advance(session)
    question = sessions.current_question(session)
    assert question.version.type == "true_false"
    assert answers.submit(session, by_token, 2, right(question)).is_correct
    assert answers.submit(session, by_bool, 2, True).is_correct


def test_finishing_gives_study_points_once_to_members_who_played(db, make_session):
    session = make_session(guests=True)
    played, idle = _players(session, 2)
    guest = joining.join(session.pin, nickname="Visitor")
    sessions.advance(session)
    question = sessions.current_question(session)
    answers.submit(session, played, 0, wrong(question))
    answers.submit(session, guest, 0, right(question))
    sessions.end(session)
    entries = db.session.query(PointEntry).all()
    assert [(e.user_id, e.rule, e.source_id) for e in entries] == [
        (played.user_id, "live_session_played", session.id)
    ]
    from live.services import awards  # noqa: PLC0415

    assert awards.award_points(session) == 0  # the ledger gives it once
    assert idle.score == 0


def test_a_phone_reading_after_the_deadline_sees_its_points(db, make_session, clock):
    session = make_session(seconds_per_question=10)
    (player,) = _players(session, 1)
    sessions.advance(session)
    question = sessions.current_question(session)
    answers.submit(session, player, 0, right(question))
    clock.advance(seconds=11)
    state = board.state_for(session, player=player)
    assert state["state"] == "reveal" and state["reveal"]["correct"] == [right(question)]
    assert state["me"]["correct"] is True and state["me"]["points"] == 100
    assert state["me"]["score"] == 100  # before any write settled the question


def test_an_empty_choice_is_no_answer(db, make_session):
    session = make_session()
    (player,) = _players(session, 1)
    for _step in range(4):  # to the second question, multiple choice
        sessions.advance(session)
    assert sessions.current_question(session).version.type == "multiple_choice"
    with pytest.raises(ValidationError):
        answers.submit(session, player, 1, [])

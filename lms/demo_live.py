"""Demo live quizzes: a quiz made for branch meetings (single choice, multiple choice and
true/false only, so it can be run live), a live round played last week with its results and
the study points it gave, and one waiting in its lobby, so a fresh ``make run`` shows the live
quiz at work: the organizer opens the host console and starts it, members join with the PIN.

The past round is played through the real services with the clock set back, so every answer
time, score and point is what the product would have recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from live.models import LiveSession, Scoring
from live.services import answers, joining, sessions
from live.services.clock import current_question
from live.services.questions import HOSTED_TYPES, correct_tokens, options_view
from live.services.sessions import SessionSettings
from lms.accounts.models import User
from lms.core import clock
from lms.core.extensions import db
from question_bank.models import Question, QuestionVersion
from quizzes.models import Quiz
from quizzes.services import authoring
from quizzes.services.authoring import QuizSettings, SlotSpec

QUESTIONS = 6
# How each member does in the past round: seconds to answer, and which questions they miss.
PLAYS = ((3, {2}), (6, {1, 4}), (9, {0, 3, 5}), (12, {5}))


def _meeting_quiz(organizer: User) -> Quiz:
    ids = db.session.scalars(
        select(Question.id)
        .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
        .where(QuestionVersion.type.in_(HOSTED_TYPES), Question.is_retired.is_(False))
        .order_by(Question.id)
        .limit(QUESTIONS)
    ).all()
    quiz = authoring.create_quiz(
        QuizSettings(
            title="支部会议快问快答",
            description_md="6 道单选、多选和判断题，可在支部会议上作为现场答题使用，也可自行练习。",
            max_attempts=3,
        ),
        [SlotSpec(question_id=question_id, mark=1) for question_id in ids],
        created_by=organizer,
    )
    authoring.set_published(quiz, True)
    return quiz


def _answer_of(session: LiveSession, wrong: bool) -> str | list[str]:
    question = current_question(session)
    assert question is not None  # noqa: S101 - the round is at an open question
    right = correct_tokens(question)
    if wrong:
        right = [next(o["id"] for o in options_view(question) if o["id"] not in right)]
    return right if question.version.type == "multiple_choice" else right[0]


def _play_past_round(organizer: User, members: list[User], quiz: Quiz, start: datetime) -> None:
    with clock.standing_at(start):
        session = sessions.create_session(
            organizer,
            SessionSettings(title="上周支部党员大会 · 快问快答", scoring=Scoring.SPEED),
            quiz=quiz,
        )
        players = [joining.join(session.pin, user=member) for member in members]
    moment = start + timedelta(minutes=5)
    for index in range(len(session.questions)):
        with clock.standing_at(moment):
            sessions.advance(session)  # the question opens
        for player, (seconds, misses) in zip(players, PLAYS, strict=False):
            with clock.standing_at(moment + timedelta(seconds=seconds + index)):
                answers.submit(session, player, index, _answer_of(session, index in misses))
        moment += timedelta(seconds=18)  # everyone answered: the console closes the question
        with clock.standing_at(moment):
            sessions.advance(session)  # the reveal
            sessions.advance(session)  # the leaderboard
        moment += timedelta(seconds=40)
    with clock.standing_at(moment):
        sessions.advance(session)  # finished: the podium, and study points for who played


def seed_live(organizer: User, members: list[User]) -> None:
    quiz = _meeting_quiz(organizer)
    last_week = clock.utcnow().replace(hour=11, minute=0, second=0, microsecond=0)
    _play_past_round(organizer, members, quiz, last_week - timedelta(days=7))
    sessions.create_session(
        organizer,
        SessionSettings(
            title="本次支部党员大会 · 快问快答", scoring=Scoring.SPEED, streak_bonus=True
        ),
        quiz=quiz,
    )
    db.session.flush()

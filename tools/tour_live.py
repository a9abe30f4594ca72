"""The tour's live quizzes: one under way (a member in it, the first question open) and one
finished with its results, both hosted by the demo organizer over the demo bank's questions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from live.models import LiveSession
from live.services import answers, joining, sessions
from live.services.questions import HOSTED_TYPES
from live.services.sessions import SessionSettings
from lms.accounts.models import User
from lms.core.extensions import db
from question_bank.models import Question, QuestionVersion

UNDER_WAY = "支部党员大会 · 现场答题"
FINISHED = "主题党日知识快答"


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def _question_ids(count: int) -> list[int]:
    return list(
        db.session.scalars(
            select(Question.id)
            .join(QuestionVersion, QuestionVersion.id == Question.current_version_id)
            .where(QuestionVersion.type.in_(HOSTED_TYPES), Question.is_retired.is_(False))
            .order_by(Question.id)
            .limit(count)
        )
    )


def add_live_tour_data(organizer: str, member: str) -> None:
    """Flushes, never commits."""
    host, player_user = _user(organizer), _user(member)
    ids = _question_ids(4)
    long = SessionSettings(title=UNDER_WAY, seconds_per_question=600, scoring="speed")
    under_way = sessions.create_session(host, long, question_ids=ids)
    joining.join(under_way.pin, user=player_user)
    sessions.advance(under_way)
    done = sessions.create_session(host, SessionSettings(title=FINISHED), question_ids=ids[:2])
    player = joining.join(done.pin, user=player_user)
    sessions.advance(done)
    question = done.questions[0]
    answers.submit(done, player, 0, question.choices["options"][0][0])
    sessions.end(done)
    db.session.flush()


def live_stops(stop: Any, organizer: str, member: str) -> list[Any]:
    """The tour's stops of the live pages; ``stop`` builds one (tools.tour_stops.Stop)."""
    under_way = db.session.scalars(select(LiveSession).where(LiveSession.title == UNDER_WAY)).one()
    done = db.session.scalars(select(LiveSession).where(LiveSession.title == FINISHED)).one()
    return [
        stop(member, "live.join"),
        stop(member, "live.play", {"session_id": under_way.id}),
        stop(organizer, "live.index"),
        stop(organizer, "live.create"),
        stop(organizer, "live.host", {"session_id": under_way.id}),
        stop(organizer, "live.results", {"session_id": done.id}),
        stop(organizer, "live_results.report", {"session_id": done.id}),
        stop(None, "live.join", label="guest"),
        stop(None, "live.screen", {"screen_token": under_way.screen_token}),
    ]

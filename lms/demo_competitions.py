"""Demo competitions and points: a finished competition with published results, a running one
with a live board and a big-screen link, and some days of study points for the demo members.

Past events are played through the real services with the clock set back, so every standing,
award and point is exactly what the product would have recorded.
"""

from __future__ import annotations

from datetime import timedelta

from competitions.models import Competition, UnitMetric
from competitions.services import authoring, registration, results
from competitions.services.authoring import CompetitionSettings
from lms.accounts.models import User
from lms.core import clock
from lms.core.extensions import db
from lms.points.services import award_daily_login
from question_bank.services import categories
from question_bank.types import get_type
from quizzes.services import answers, attempts, responses
from quizzes.services import authoring as quiz_authoring
from quizzes.services.authoring import QuizSettings, SlotSpec


def _round(title: str, organizer: User, count: int) -> object:
    quiz = quiz_authoring.create_quiz(
        QuizSettings(title=title, time_limit_seconds=600, max_attempts=1),
        [
            SlotSpec(category=categories.by_path("党史"), count=2, mark=10),
            SlotSpec(category=categories.by_path("综合"), count=count - 2, mark=10),
        ],
        created_by=organizer,
    )
    quiz_authoring.set_published(quiz, True)
    return quiz


def _take_part(member: User, competition: Competition, right: int, minutes: int) -> None:
    """Register, take the round, answer ``right`` questions right and hand in after a while."""
    registration.register(member, competition)
    attempt = attempts.start(member, competition.rounds[0].quiz)
    for sequence, item in enumerate(attempt.items, start=1):
        kind = get_type(item.version.type)
        answer = kind.correct_response(item.version.definition) if sequence <= right else None
        if answer is not None:
            answers.save_answer(attempt, item.slot, responses.to_client(item, answer), sequence)
    with clock.standing_at(attempt.started_at + timedelta(minutes=minutes)):
        attempts.submit(attempt)


def seed_competitions(organizer: User, members: list[User]) -> None:
    now = clock.utcnow().replace(second=0, microsecond=0)
    finished_start = now - timedelta(days=10)
    finished = authoring.create_competition(
        CompetitionSettings(
            title="党史知识竞赛（第一季）",
            rules_md="每人一次作答机会，限时 10 分钟。按得分、用时、交卷时间排名。",
            registration_opens_at=finished_start - timedelta(days=3),
            starts_at=finished_start,
            ends_at=finished_start + timedelta(days=2),
            unit_metric=UnitMetric.AVERAGE,
            min_participants=1,
        ),
        [_round("党史知识竞赛 第一轮", organizer, 5)],
        created_by=organizer,
    )
    authoring.set_published(finished, True)
    for number, member in enumerate(members):
        with clock.standing_at(finished_start + timedelta(hours=1 + number)):
            _take_part(member, finished, right=5 - number, minutes=4 + number)
    results.publish_results(finished, organizer)

    running = authoring.create_competition(
        CompetitionSettings(
            title="安全生产知识竞赛",
            rules_md="竞赛期间任选时间作答一次，限时 10 分钟。最后 30 分钟封榜。",
            registration_opens_at=now - timedelta(days=2),
            starts_at=now - timedelta(hours=2),
            ends_at=now + timedelta(days=7),
            unit_metric=UnitMetric.PARTICIPATION,
            min_participants=1,
            freeze_minutes=30,
        ),
        [_round("安全生产知识竞赛 第一轮", organizer, 4)],
        created_by=organizer,
    )
    authoring.set_published(running, True)
    authoring.new_display_token(running)
    for number, member in enumerate(members[:2]):
        with clock.standing_at(now - timedelta(minutes=90 - 10 * number)):
            _take_part(member, running, right=4 - number, minutes=3 + number)
    for member in members[2:]:
        registration.register(member, running)

    for days_ago in range(6, 0, -1):
        for number, member in enumerate(members):
            if (days_ago + number) % 3:
                with clock.standing_at(now - timedelta(days=days_ago)):
                    award_daily_login(member)
    db.session.flush()

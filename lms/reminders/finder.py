"""What is due for a reminder now, and to whom (the roof: it reads courses, quizzes and
competitions and hands each reminder to ``lms.notifications.notify``).

One reminder per thing and member: its key names the thing and the time it is about, so a run
repeated every few minutes adds nothing, and a quiz moved to another day is announced again.
Each audience is one SQL query that already leaves out whoever has the key, so a run over
reminders sent before costs a handful of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select

from competitions.models import Competition, CompetitionRound, Entry
from courses.models import (
    Activity,
    ActivityRegistration,
    Course,
    CourseItem,
    CourseModule,
    Enrolment,
    ItemProgress,
)
from lms.accounts.models import OrgUnit, Role, User
from lms.calendar.events import published_activities
from lms.core.extensions import db
from lms.notification_signals import site_path
from lms.notifications.kinds import Kind
from lms.notifications.models import Notification
from lms.reminders import messages
from quizzes.models import Attempt, Quiz, State
from quizzes.services.results import scope_condition

ASSIGNED_LOOKBACK = timedelta(days=3)  # enrolments older than this are not announced any more
DUE_SOON = timedelta(days=3)
STARTS_SOON = timedelta(hours=24)  # activities, quiz and competition openings
CLOSING_SOON = timedelta(hours=24)  # at most; and never before half the window has passed


@dataclass(frozen=True)
class Reminder:
    kind: Kind
    key: str
    url: str
    audience: Select[tuple[int]]  # the user ids, before those who have the key are left out
    message: Callable[[], tuple[str, str]]

    def recipients(self) -> list[int]:
        """Who should get it and has not yet (every audience selects ``User.id``)."""
        told = exists().where(Notification.user_id == User.id, Notification.key == self.key)
        return list(dict.fromkeys(db.session.scalars(self.audience.where(~told))))


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M")


def _members(units: list[OrgUnit]) -> Select[tuple[int]]:
    """Active members of ``units`` or a unit below them (none: every member)."""
    return (
        select(User.id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .where(
            User.is_active.is_(True),
            User.role == Role.MEMBER.value,
            scope_condition(list(units) or None),
        )
    )


def closing_soon(opens_at: datetime | None, closes_at: datetime, now: datetime) -> bool:
    """Within a day of the close, and past the middle of the window (a two-hour competition
    is reminded of in its last hour, not as it starts)."""
    lead = CLOSING_SOON if opens_at is None else min(CLOSING_SOON, (closes_at - opens_at) / 2)
    return now < closes_at <= now + lead and (opens_at is None or opens_at <= now)


def _taking(course_id: int, *conditions: Any) -> Select[tuple[int]]:
    """Ids of those enrolled in the course who have not completed it."""
    return select(Enrolment.user_id).where(
        Enrolment.course_id == course_id, Enrolment.completed_at.is_(None), *conditions
    )


def _active(*conditions: Any) -> Select[tuple[int]]:
    return select(User.id).where(User.is_active.is_(True), *conditions)


def _assigned(now: datetime) -> Iterator[Reminder]:
    courses = db.session.scalars(
        select(Course)
        .where(
            Course.is_published.is_(True),
            Course.is_required.is_(True),
            Course.id.in_(
                select(Enrolment.course_id).where(
                    Enrolment.is_automatic.is_(True),
                    Enrolment.enrolled_at >= now - ASSIGNED_LOOKBACK,
                )
            ),
        )
        .order_by(Course.id)
    )
    for course in courses:
        yield Reminder(
            Kind.COURSE_ASSIGNED,
            f"course-assigned:{course.id}",
            site_path("courses.course", course_id=course.id),
            _active(
                User.id.in_(
                    _taking(
                        course.id,
                        Enrolment.is_automatic.is_(True),
                        Enrolment.enrolled_at >= now - ASSIGNED_LOOKBACK,
                    )
                )
            ),
            messages.course_assigned(course.title, course.due_at),
        )


def _due(now: datetime) -> Iterator[Reminder]:
    rows = db.session.execute(
        select(Course.id, Course.title, Course.due_at)
        .where(
            Course.is_published.is_(True),
            Course.is_required.is_(True),
            Course.due_at > now,
            Course.due_at <= now + DUE_SOON,
        )
        .order_by(Course.id)
    )
    for course_id, title, due_at in rows:
        yield Reminder(
            Kind.COURSE_DUE,
            f"course-due:{course_id}:{_stamp(due_at)}",
            site_path("courses.course", course_id=course_id),
            _active(User.id.in_(_taking(course_id))),
            messages.course_due(title, due_at),
        )


def _activities(now: datetime) -> Iterator[Reminder]:
    rows = db.session.execute(
        published_activities(Activity.starts_at > now, Activity.starts_at <= now + STARTS_SOON)
    ).all()
    for item, activity, course_id in rows:
        registered = select(ActivityRegistration.user_id).where(
            ActivityRegistration.item_id == item.id
        )
        taken = db.session.scalar(select(func.count()).select_from(registered.subquery())) or 0
        has_places = activity.capacity is None or taken < activity.capacity
        done = select(ItemProgress.user_id).where(
            ItemProgress.item_id == item.id, ItemProgress.completed_at.is_not(None)
        )
        # Those registered; while places are left, also the others taking its course.
        condition = User.id.in_(registered)
        if has_places:
            others = and_(User.id.in_(_taking(course_id)), User.id.not_in(done))
            condition = or_(condition, others)
        yield Reminder(
            Kind.ACTIVITY_TOMORROW,
            f"activity:{item.id}:{_stamp(activity.starts_at)}",
            site_path("activities.show", item_id=item.id),
            _active(condition),
            messages.activity_soon(item.title, activity.starts_at, activity.place),
        )


def _quiz_audience(quiz: Quiz) -> Select[tuple[int]]:
    audience = _members(list(quiz.units))
    if quiz.item_id is not None:  # a quiz inside a course: those taking the course
        course_id = (
            select(CourseModule.course_id)
            .join(CourseItem, CourseItem.module_id == CourseModule.id)
            .where(CourseItem.id == quiz.item_id)
            .scalar_subquery()
        )
        audience = audience.where(
            User.id.in_(select(Enrolment.user_id).where(Enrolment.course_id == course_id))
        )
    return audience


def _quizzes(now: datetime) -> Iterator[Reminder]:
    quizzes = db.session.scalars(
        select(Quiz)
        .where(
            Quiz.is_published.is_(True),
            Quiz.id.not_in(select(CompetitionRound.quiz_id)),  # told as their competition
            or_(
                and_(Quiz.opens_at > now, Quiz.opens_at <= now + STARTS_SOON),
                and_(Quiz.closes_at > now, Quiz.closes_at <= now + CLOSING_SOON),
            ),
        )
        .order_by(Quiz.id)
    )
    for quiz in quizzes:
        url = site_path("quizzes.start_page", quiz_id=quiz.id)
        if quiz.opens_at is not None and now < quiz.opens_at <= now + STARTS_SOON:
            yield Reminder(
                Kind.QUIZ_OPENING,
                f"quiz-opening:{quiz.id}:{_stamp(quiz.opens_at)}",
                url,
                _quiz_audience(quiz),
                messages.quiz_opening(quiz.title, quiz.opens_at, quiz.closes_at),
            )
        if quiz.closes_at is not None and closing_soon(quiz.opens_at, quiz.closes_at, now):
            handed_in = select(Attempt.user_id).where(
                Attempt.quiz_id == quiz.id, Attempt.state != State.IN_PROGRESS
            )
            yield Reminder(
                Kind.QUIZ_CLOSING,
                f"quiz-closing:{quiz.id}:{_stamp(quiz.closes_at)}",
                url,
                _quiz_audience(quiz).where(User.id.not_in(handed_in)),
                messages.quiz_closing(quiz.title, quiz.closes_at),
            )


def _competitions(now: datetime) -> Iterator[Reminder]:
    competitions = db.session.scalars(
        select(Competition)
        .where(
            Competition.is_published.is_(True),
            Competition.results_published_at.is_(None),
            or_(
                and_(Competition.starts_at > now, Competition.starts_at <= now + STARTS_SOON),
                and_(Competition.ends_at > now, Competition.ends_at <= now + CLOSING_SOON),
            ),
        )
        .order_by(Competition.id)
    )
    for competition in competitions:
        url = site_path("competitions.show", competition_id=competition.id)
        audience = _members(list(competition.units))
        if now < competition.starts_at <= now + STARTS_SOON:
            yield Reminder(
                Kind.COMPETITION_OPENING,
                f"competition-opening:{competition.id}:{_stamp(competition.starts_at)}",
                url,
                audience,
                messages.competition_opening(
                    competition.title, competition.starts_at, competition.ends_at
                ),
            )
        if closing_soon(competition.starts_at, competition.ends_at, now):
            rounds = len(competition.rounds)
            finished = select(Entry.user_id).where(
                Entry.competition_id == competition.id, Entry.rounds_done >= rounds
            )
            yield Reminder(
                Kind.COMPETITION_CLOSING,
                f"competition-closing:{competition.id}:{_stamp(competition.ends_at)}",
                url,
                audience.where(User.id.not_in(finished)),
                messages.competition_closing(competition.title, competition.ends_at),
            )


def due_reminders(now: datetime) -> list[Reminder]:
    """Every reminder due at ``now``, each with the query of who should get it."""
    return [
        *_assigned(now),
        *_due(now),
        *_activities(now),
        *_quizzes(now),
        *_competitions(now),
    ]

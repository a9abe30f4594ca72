"""What a member's calendar holds: offline activities, quiz windows, competitions, due dates.

Each event is read for one member with the same rules the pages use: activities of the courses
they take (or registered for), quizzes they may take (competition rounds are shown as their
competition), competitions they are eligible for, and the due dates of required courses they
have not completed. Events that ended more than ``PAST`` ago are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from competitions.models import Competition, CompetitionRound
from competitions.services import stages
from courses.models import (
    Activity,
    ActivityRegistration,
    Course,
    CourseItem,
    CourseModule,
    Enrolment,
)
from courses.services import activities
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from quizzes.models import Quiz
from quizzes.permissions import can_take_quiz

PAST = timedelta(days=60)
# A quiz open longer than this is two events, "opens" and "closes": a bar across weeks of a
# phone's calendar helps nobody.
ONE_EVENT_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class Event:
    uid: str  # stable per thing, so a changed time updates the event already in a calendar
    title: str
    starts_at: datetime
    ends_at: datetime | None  # None: a moment (a deadline)
    url: str  # a path on this site
    location: str = ""
    description: str = ""
    updated_at: datetime | None = None
    alarm: timedelta | None = None  # remind this long before the start


def activity_event(item: CourseItem, activity: Activity) -> Event:
    return Event(
        uid=f"activity-{item.id}",
        title=item.title,
        starts_at=activity.starts_at,
        ends_at=activity.ends_at,
        url=url_for("activities.show", item_id=item.id),
        location=activity.place,
        description=str(activities.KIND_LABELS.get(activity.kind, "")),
        updated_at=item.updated_at,
        alarm=timedelta(hours=1),
    )


def quiz_events(quiz: Quiz) -> list[Event]:
    """The quiz's window: one event, or "opens" and "closes" when long or open-ended."""
    url = url_for("quizzes.start_page", quiz_id=quiz.id)
    opens, closes = quiz.opens_at, quiz.closes_at
    common = {"url": url, "updated_at": quiz.updated_at}
    if opens is not None and closes is not None and closes - opens <= ONE_EVENT_WINDOW:
        return [Event(uid=f"quiz-{quiz.id}", title=quiz.title, starts_at=opens, ends_at=closes,
                      **common)]  # fmt: skip
    events = []
    if opens is not None:
        events.append(Event(uid=f"quiz-{quiz.id}-opens", starts_at=opens, ends_at=None,
                            title=_("“%(title)s” opens", title=quiz.title), **common))  # fmt: skip
    if closes is not None:
        events.append(Event(uid=f"quiz-{quiz.id}-closes", starts_at=closes, ends_at=None,
                            title=_("“%(title)s” closes", title=quiz.title), **common))  # fmt: skip
    return events


def competition_event(competition: Competition) -> Event:
    return Event(
        uid=f"competition-{competition.id}",
        title=competition.title,
        starts_at=competition.starts_at,
        ends_at=competition.ends_at,
        url=url_for("competitions.show", competition_id=competition.id),
        description=_("Competition"),
        updated_at=competition.updated_at,
        alarm=timedelta(minutes=30),
    )


def due_event(course: Course, due_at: datetime) -> Event:
    return Event(
        uid=f"course-{course.id}-due",
        title=_("“%(title)s” is due", title=course.title),
        starts_at=due_at,
        ends_at=None,
        url=url_for("courses.course", course_id=course.id),
        description=_("Required course"),
        updated_at=course.updated_at,
    )


def published_activities(*conditions: Any) -> Select[tuple[CourseItem, Activity, int]]:
    """Activities members see (their course, module and item published), with the course's
    id, soonest first."""
    return (
        select(CourseItem, Activity, CourseModule.course_id)
        .join(Activity, Activity.item_id == CourseItem.id)
        .join(CourseModule, CourseModule.id == CourseItem.module_id)
        .join(Course, Course.id == CourseModule.course_id)
        .where(
            Course.is_published.is_(True),
            CourseModule.is_published.is_(True),
            CourseItem.is_published.is_(True),
            *conditions,
        )
        .order_by(Activity.starts_at, CourseItem.id)
    )


def _activities(user: User, since: datetime) -> list[Event]:
    taken = select(Enrolment.course_id).where(Enrolment.user_id == user.id)
    registered = select(ActivityRegistration.item_id).where(ActivityRegistration.user_id == user.id)
    rows = db.session.execute(
        published_activities(
            Activity.ends_at >= since,
            or_(CourseModule.course_id.in_(taken), CourseItem.id.in_(registered)),
        )
    ).all()
    return [activity_event(item, activity) for item, activity, _course_id in rows]


def _quizzes(user: User, since: datetime) -> list[Event]:
    rounds = select(CompetitionRound.quiz_id)
    quizzes = db.session.scalars(
        select(Quiz)
        .where(
            Quiz.is_published.is_(True),
            or_(Quiz.opens_at.is_not(None), Quiz.closes_at.is_not(None)),
            or_(Quiz.closes_at >= since, Quiz.closes_at.is_(None) & (Quiz.opens_at >= since)),
            Quiz.id.not_in(rounds),
        )
        .options(selectinload(Quiz.units))
        .order_by(Quiz.opens_at, Quiz.id)
    )
    return [event for quiz in quizzes if can_take_quiz(user, quiz) for event in quiz_events(quiz)]


def _competitions(user: User, since: datetime) -> list[Event]:
    return [competition_event(c) for c in stages.visible_to(user) if c.ends_at >= since]


def _due_dates(user: User, since: datetime) -> list[Event]:
    courses = db.session.scalars(
        select(Course)
        .join(Enrolment, Enrolment.course_id == Course.id)
        .where(
            Enrolment.user_id == user.id,
            Enrolment.completed_at.is_(None),
            Course.is_published.is_(True),
            Course.is_required.is_(True),
            Course.due_at >= since,
        )
        .order_by(Course.due_at)
    )
    return [due_event(course, course.due_at) for course in courses if course.due_at]


def events_for(user: User) -> list[Event]:
    """Everything on the member's calendar, soonest first (a constant number of queries)."""
    since = utcnow() - PAST
    events = [
        *_activities(user, since),
        *_quizzes(user, since),
        *_competitions(user, since),
        *_due_dates(user, since),
    ]
    return sorted(events, key=lambda event: (event.starts_at, event.uid))

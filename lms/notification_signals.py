"""The roof connects what domains announce to the notification centre (DESIGN.md section 3):
a grade given by hand, results published, points awarded by hand or for a competition place,
the directory's email address at sign-in.
Domains never import lms.notifications; lms.notifications never imports them."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from competitions.models import Award, Competition
from competitions.signals import results_published
from lms.accounts.signals import directory_email
from lms.notifications.kinds import Kind
from lms.notifications.services import adopt_directory_email, notify
from lms.points.models import PointEntry
from lms.points.rules import RULES
from lms.points.signals import points_awarded
from quizzes.models import AttemptItem
from quizzes.signals import grade_released

# Points worth a notification: an admin's adjustment and a competition place, not every lesson.
NOTIFIED_RULES = frozenset({"manual", "competition_placement"})


def site_path(endpoint: str, **values: Any) -> str:
    """A page's path on the site, with or without a request (commands build links too)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _on_grade_released(_sender: Any = None, *, item: AttemptItem, **_extra: Any) -> None:
    attempt = item.attempt
    if attempt.quiz is None or attempt.needs_grading:
        return  # told once, when the last answer waiting for a person is marked
    title = attempt.quiz.title
    notify(
        [attempt.user_id],
        Kind.GRADE_RELEASED,
        key=f"grade:{attempt.id}",
        url=site_path("quizzes.review", attempt_id=attempt.id),
        message=lambda: (
            _("Your answers to “%(quiz)s” are graded", quiz=title),
            _("Open the review to see your marks and the grader's comments."),
        ),
    )


def _on_results_published(
    _sender: Any = None, *, competition: Competition, awards: list[Award], **_extra: Any
) -> None:
    title = competition.title
    notify(
        [award.user_id for award in awards],
        Kind.RESULTS_PUBLISHED,
        key=f"results:{competition.id}",
        url=site_path("competition_results.results", competition_id=competition.id),
        message=lambda: (
            _("Results of “%(competition)s” are published", competition=title),
            _("See the final ranking and download your certificate."),
        ),
    )


def _on_points_awarded(_sender: Any = None, *, entry: PointEntry, **_extra: Any) -> None:
    if entry.rule not in NOTIFIED_RULES or not entry.points:
        return
    points, reason, rule = entry.points, entry.reason, RULES[entry.rule]

    def message() -> tuple[str, str]:
        if points > 0:
            title = _("You received %(points)d points", points=points)
        else:
            title = _("%(points)d points were deducted", points=-points)
        return title, f"{rule.label}: {reason}"

    notify(
        [entry.user_id],
        Kind.POINTS_AWARDED,
        key=f"points:{entry.id}",
        url=site_path("points.index"),
        message=message,
    )


def _on_directory_email(_sender: Any = None, *, user: Any, email: str, **_extra: Any) -> None:
    adopt_directory_email(user, email)


def connect() -> None:
    directory_email.connect(_on_directory_email)
    grade_released.connect(_on_grade_released)
    results_published.connect(_on_results_published)
    points_awarded.connect(_on_points_awarded)

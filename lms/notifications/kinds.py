"""What a notification is about; members choose channels per kind."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Kind(enum.StrEnum):
    COURSE_ASSIGNED = "course_assigned"
    COURSE_DUE = "course_due"
    ACTIVITY_TOMORROW = "activity_tomorrow"
    QUIZ_OPENING = "quiz_opening"
    QUIZ_CLOSING = "quiz_closing"
    COMPETITION_OPENING = "competition_opening"
    COMPETITION_CLOSING = "competition_closing"
    GRADE_RELEASED = "grade_released"
    RESULTS_PUBLISHED = "results_published"
    POINTS_AWARDED = "points_awarded"
    ANNOUNCEMENT = "announcement"


KIND_LABELS = {
    Kind.COURSE_ASSIGNED: _l("A required course is assigned to me"),
    Kind.COURSE_DUE: _l("A required course is due soon"),
    Kind.ACTIVITY_TOMORROW: _l("An offline activity is tomorrow"),
    Kind.QUIZ_OPENING: _l("A quiz opens soon"),
    Kind.QUIZ_CLOSING: _l("A quiz closes soon"),
    Kind.COMPETITION_OPENING: _l("A competition opens soon"),
    Kind.COMPETITION_CLOSING: _l("A competition closes soon"),
    Kind.GRADE_RELEASED: _l("A grade is released"),
    Kind.RESULTS_PUBLISHED: _l("Results are published"),
    Kind.POINTS_AWARDED: _l("Points are awarded to me"),
    Kind.ANNOUNCEMENT: _l("An announcement"),
}

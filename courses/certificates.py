"""The course completion certificate: a one-page PDF on the platform's certificate layout."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from courses.models import Course, Enrolment
from courses.services.enrolment import enrolment_of
from courses.services.progress import course_for
from courses.services.study_hours import course_centihours
from lms.accounts.models import User
from lms.accounts.services import certificate_settings
from lms.core.clock import to_local, utcnow
from lms.core.errors import NotFoundError
from lms.core.pdf import GOLD, MUTED, Issue, Line, certificate_page, new_document
from lms.points.hours.services import hours_text


def completed_course(user: User, course_id: int) -> tuple[Course, Enrolment]:
    """The course and ``user``'s completed enrolment; 404 until the course is complete."""
    course = course_for(user, course_id)
    enrolment = enrolment_of(user, course)
    if enrolment is None or enrolment.completed_at is None:
        raise NotFoundError(_("The certificate is there once you complete the course."))
    return course, enrolment


def code_of(enrolment: Enrolment) -> str:
    return f"C{enrolment.course_id:05d}-{enrolment.id:06d}"


def certificate_pdf(user: User, course: Course, enrolment: Enrolment) -> bytes:
    settings = certificate_settings.current()
    hours = course_centihours(course)
    lines = [
        Line(_("This certifies that"), size=16, colour=MUTED),
        Line(user.display_name, size=34, gap=6),
        Line(_("completed the course"), size=16, colour=MUTED),
        Line(course.title, size=24, gap=6),
    ]
    if hours:
        lines.append(
            Line(_("%(hours)s study hours", hours=hours_text(hours)), size=22, colour=GOLD, gap=0)
        )
    completed_at = enrolment.completed_at or utcnow()  # completed_course checked it is set
    issued_on = to_local(completed_at, current_app.config["TIMEZONE"]).date()
    pdf = new_document([user.display_name, course.title, settings.issuer])
    pdf.set_title(course.title)
    certificate_page(
        pdf, lines, Issue(settings.issuer, issued_on, code_of(enrolment), settings.seal_space)
    )
    return bytes(pdf.output())

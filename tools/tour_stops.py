"""Where the tour goes: every page of every role on the demo site, and the few it leaves out.

:func:`add_tour_data` adds to the demo seed what a fresh site lacks for a page to show its full
self (a comment, a daily quiz handed in, a practice session under way, self-registration on);
:func:`tour_stops` then names each page with the demo user who looks at it. Each stop is an
endpoint, so a test can check that a new page joins the tour (or is left out with a reason).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy import select

from competitions.models import Award, Competition
from courses.models import Activity, Comment, Course, CourseItem, CourseModule
from lms.accounts.models import OrgUnit, User
from lms.accounts.services.auth import SELF_REGISTRATION_KEY
from lms.core.extensions import db
from lms.core.settings import set_setting
from lms.points import services as points
from question_bank.models import Question, QuestionCategory
from quizzes.models import Attempt, Quiz
from quizzes.services import answers, attempts, daily, practice
from tools import tour_announcements, tour_stage
from tools.tour_live import add_live_tour_data, live_stops
from tools.tour_robots import add_robot_tour_data

ANONYMOUS = None
MEMBER = "zhangsan"  # a member who leads a branch, so the member's reports show too
REVIEWER = "lisi"  # a member whose quiz attempts have answers to review and a notebook
ORGANIZER = "organizer"
ADMIN = "admin"
QUESTION_TYPES = (
    "single_choice", "multiple_choice", "true_false", "fill_blank", "numerical", "matching",
    "short_answer",
)  # fmt: skip

# Pages that are files, feeds or redirects, not pages a person reads: never toured.
LEFT_OUT = {
    "home.health": "JSON for monitoring",
    "monitoring.ready": "JSON for the proxy's health checks",
    "monitoring.prometheus": "text for Prometheus",
    "push.authorise": "an empty answer to nginx's subscription check",
    "users_admin.import_template": "a spreadsheet download",
    "bank.export": "a file download",
    "bank_import.template": "a spreadsheet download",
    "competition_results.all_certificates": "a PDF download",
    "competition_results.certificate_file": "a PDF download",
    "competition_results.export": "a spreadsheet download",
    "competition_live.board_json": "JSON polled by the live board",
    "competition_live.display_json": "JSON polled by the big screen",
    "files.serve": "an uploaded file",
    "activities.export": "a spreadsheet download",
    "activities.qr": "an SVG image",
    "quiz_results.export": "a spreadsheet download",
    "reports.export": "a spreadsheet download",
    "quizzes.course_item": "a redirect to quizzes.start_page",
    "quiz_manage.for_item": "a redirect to quiz_manage.show",
    "accounts.logout": "POST only, it has no page",
    "live.host_state": "JSON polled by the host console",
    **tour_stage.LEFT_OUT,
    **tour_announcements.LEFT_OUT,
    "live_results.export": "a spreadsheet download",
    "calendar.feed": "an iCalendar feed for calendar apps",
    "calendar.activity": "an iCalendar download",
    "calendar.quiz": "an iCalendar download",
    "calendar.competition": "an iCalendar download",
    "calendar.reset": "POST only, it has no page",
    "oidc.start": "a redirect to the identity provider (or to the login page)",
    "oidc.callback": "the identity provider's way back, a redirect",
    "study_hours.transcript_pdf": "a PDF download",
    "study_hours.transcript_xlsx": "a spreadsheet download",
    "study_hours.report_xlsx": "a spreadsheet download",
    "courses.certificate": "a PDF download",
}


@dataclass(frozen=True)
class Stop:
    """One page: who looks at it, the endpoint and its URL arguments, the status it answers."""

    user: str | None
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict, hash=False)
    status: int = 200
    label: str = ""

    @property
    def name(self) -> str:
        """A file name for the page's screenshots."""
        who = self.user or "anonymous"
        return f"{who}--{self.endpoint}{'-' + self.label if self.label else ''}"

    def url(self) -> str:
        return url_for(self.endpoint, **self.values)


def _one(model: type, **where: Any) -> Any:
    found = db.session.scalars(select(model).filter_by(**where)).first()
    if found is None:
        raise LookupError(f"the tour needs a {model.__name__} with {where} in the demo data")
    return found


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


def add_tour_data() -> None:
    """What the demo seed leaves out and some page needs to be non-empty. Flushes, never commits."""
    from courses.services import discussion  # noqa: PLC0415 - only the tour writes comments

    member, reviewer, demo = _user(MEMBER), _user(REVIEWER), _demo()
    lesson = demo.lesson
    discussion.add_comment(reviewer, lesson.id, "这一课讲得很清楚。Clear and useful.")
    spam = discussion.add_comment(reviewer, lesson.id, "加群领资料 Join my group")
    discussion.hide_comment(_user(ORGANIZER), spam.id, "广告 Advertising")
    discussion.add_comment(member, lesson.id, "同意，**第二部分**尤其好。")
    attempts.submit(daily.start_daily(member))
    essay = attempts.start(reviewer, demo.exam)
    for item in essay.items:  # the exam draws the demo's short-answer question: one to grade
        if item.version.type == "short_answer":
            answers.save_answer(essay, item.slot, "全心全意为人民服务，从身边小事做起。", 1)
    attempts.submit(essay)
    largest = max(practice.offers(), key=lambda offer: offer.questions)
    practice.start_practice(member, largest.category.id, 5)
    set_setting(SELF_REGISTRATION_KEY, True)
    points.adjust(member, 20, "志愿服务表彰 Volunteering", by=_user(ADMIN))  # a notification too
    add_live_tour_data(ORGANIZER, MEMBER)
    tour_stage.add_stage_data(_user(ORGANIZER), member)
    add_robot_tour_data()
    db.session.flush()


@dataclass(frozen=True)
class _Demo:
    """The demo objects whose pages the tour opens."""

    course: Course
    lesson: CourseItem
    activity: Activity
    quiz: Quiz
    exam: Quiz  # has an answer waiting for a grader (add_tour_data)
    finished: Competition
    running: Competition


def _demo() -> _Demo:
    return _Demo(
        course=_one(Course, title="新时代基层治理微课堂"),
        lesson=db.session.scalars(
            select(CourseItem).where(CourseItem.kind == "lesson").order_by(CourseItem.id)
        ).first(),
        activity=db.session.scalars(select(Activity).order_by(Activity.item_id)).first(),
        quiz=_one(Quiz, title="党史知识小测验"),
        exam=_one(Quiz, title="党章党规月度测试"),
        finished=_one(Competition, title="党史知识竞赛（第一季）"),
        running=_one(Competition, title="安全生产知识竞赛"),
    )


def _member_stops(demo: _Demo) -> list[Stop]:
    member = _user(MEMBER)
    course, lesson, activity, quiz = demo.course, demo.lesson, demo.activity, demo.quiz
    finished, running = demo.finished, demo.running
    award = _one(Award, competition_id=finished.id, user_id=member.id)
    under_way = _one(Attempt, user_id=member.id, submitted_at=None)
    own_comment = _one(Comment, user_id=member.id)
    reviewer = _user(REVIEWER)
    reviewed = _one(Attempt, user_id=reviewer.id, quiz_id=quiz.id)
    daily_attempt = _one(Attempt, user_id=member.id, mode="daily")
    round_attempt = _one(Attempt, user_id=member.id, quiz_id=finished.rounds[0].quiz_id)
    return [
        Stop(MEMBER, "home.index"),
        Stop(MEMBER, "courses.index"),
        Stop(MEMBER, "courses.course", {"course_id": course.id}),
        Stop(MEMBER, "courses.lesson", {"item_id": lesson.id}),
        Stop(MEMBER, "discussion.edit", {"comment_id": own_comment.id}),
        Stop(MEMBER, "activities.show", {"item_id": activity.item_id}),
        Stop(MEMBER, "quizzes.index"),
        Stop(MEMBER, "calendar.page"),
        Stop(MEMBER, "quizzes.start_page", {"quiz_id": quiz.id}),
        Stop(MEMBER, "quizzes.attempt", {"attempt_id": under_way.id}),
        Stop(REVIEWER, "quizzes.review", {"attempt_id": reviewed.id}),
        Stop(MEMBER, "quizzes.review", {"attempt_id": daily_attempt.id}, label="daily"),
        Stop(MEMBER, "quizzes.review", {"attempt_id": round_attempt.id}, label="round"),
        Stop(MEMBER, "practice.index"),
        Stop(MEMBER, "practice.daily"),
        Stop(REVIEWER, "practice.notebook"),
        Stop(MEMBER, "competitions.index"),
        Stop(MEMBER, "competitions.show", {"competition_id": running.id}, label="running"),
        Stop(MEMBER, "competitions.show", {"competition_id": finished.id}, label="finished"),
        Stop(MEMBER, "competition_live.board", {"competition_id": running.id}),
        Stop(MEMBER, "competition_results.results", {"competition_id": finished.id}),
        Stop(
            MEMBER,
            "competition_results.certificate",
            {"competition_id": finished.id, "award_id": award.id},
        ),
        Stop(MEMBER, "points.index"),
        Stop(MEMBER, "points.leaderboard"),
        Stop(MEMBER, "notifications.index"),
        Stop(MEMBER, "notifications.settings"),
        Stop(MEMBER, "study_hours.index"),
        Stop(MEMBER, "study_hours.report"),
        Stop(MEMBER, "reports.index"),
        Stop(MEMBER, "reports.course", {"course_id": course.id}),
        Stop(MEMBER, "accounts.profile"),
        Stop(MEMBER, "app_tokens.page"),
        Stop(MEMBER, "accounts.change_password"),
        Stop(MEMBER, "courses.course", {"course_id": 999999}, status=404, label="missing"),
    ]


def _organizer_stops(demo: _Demo) -> list[Stop]:
    course, lesson, activity, quiz = demo.course, demo.lesson, demo.activity, demo.quiz
    finished, running = demo.finished, demo.running
    module = db.session.scalars(
        select(CourseModule).where(CourseModule.course_id == course.id)
    ).first()
    question = db.session.scalars(select(Question).order_by(Question.id)).first()
    category = db.session.scalars(select(QuestionCategory).order_by(QuestionCategory.id)).first()
    stops = [
        Stop(ORGANIZER, "course_authoring.index"),
        Stop(ORGANIZER, "course_authoring.edit", {"course_id": course.id}),
        Stop(ORGANIZER, "course_authoring.edit_module", {"module_id": module.id}),
        Stop(ORGANIZER, "course_authoring.add_lesson", {"module_id": module.id}),
        Stop(ORGANIZER, "course_authoring.edit_item", {"item_id": lesson.id}),
        Stop(ORGANIZER, "courses.lesson", {"item_id": lesson.id}, label="moderated"),
        Stop(ORGANIZER, "activities.create", {"module_id": module.id}),
        Stop(ORGANIZER, "activities.edit", {"item_id": activity.item_id}),
        Stop(ORGANIZER, "activities.roster", {"item_id": activity.item_id}),
        Stop(ORGANIZER, "quiz_manage.index"),
        Stop(ORGANIZER, "quiz_manage.create"),
        Stop(ORGANIZER, "quiz_manage.show", {"quiz_id": quiz.id}),
        Stop(ORGANIZER, "quiz_manage.edit", {"quiz_id": quiz.id}),
        Stop(ORGANIZER, "quiz_results.results", {"quiz_id": quiz.id}),
        Stop(ORGANIZER, "quiz_results.statistics", {"quiz_id": quiz.id}),
        Stop(ORGANIZER, "quiz_results.grading", {"quiz_id": demo.exam.id}),
        Stop(ORGANIZER, "quiz_results.regrade", {"quiz_id": quiz.id}),
        Stop(ORGANIZER, "bank.index"),
        Stop(ORGANIZER, "bank.show", {"question_id": question.id}),
        Stop(ORGANIZER, "bank.edit", {"question_id": question.id}),
        Stop(ORGANIZER, "bank_categories.index"),
        Stop(ORGANIZER, "bank_categories.create"),
        Stop(ORGANIZER, "bank_categories.edit", {"category_id": category.id}),
        Stop(ORGANIZER, "bank_import.upload"),
        Stop(ORGANIZER, "competition_manage.index"),
        Stop(ORGANIZER, "competition_manage.create"),
        Stop(ORGANIZER, "competition_manage.show", {"competition_id": running.id}),
        Stop(ORGANIZER, "competition_manage.edit", {"competition_id": running.id}),
        Stop(ORGANIZER, "competition_results.results", {"competition_id": finished.id}),
        Stop(ORGANIZER, "reports.index"),
    ]
    stops += [Stop(ORGANIZER, "bank.create", {"type": kind}, label=kind) for kind in QUESTION_TYPES]
    return stops


def _admin_stops() -> list[Stop]:
    member = _user(MEMBER)
    unit = db.session.scalars(select(OrgUnit).order_by(OrgUnit.id)).first()
    return [
        Stop(ADMIN, "users_admin.index"),
        Stop(ADMIN, "users_admin.create"),
        Stop(ADMIN, "users_admin.edit", {"user_id": member.id}),
        Stop(ADMIN, "users_admin.import_file"),
        Stop(ADMIN, "units_admin.index"),
        Stop(ADMIN, "units_admin.create"),
        Stop(ADMIN, "units_admin.edit", {"unit_id": unit.id}),
        Stop(ADMIN, "site_admin.settings"),
        Stop(ADMIN, "login_admin.settings"),
        Stop(ADMIN, "certificate_settings.edit"),
        Stop(ADMIN, "robots_admin.index"),
        Stop(ADMIN, "robots_admin.unit", {"unit_id": unit.id}),
        Stop(ADMIN, "points.admin"),
        Stop(ADMIN, "notifications.admin"),
        Stop(ADMIN, "study_hours.admin"),
        Stop(ADMIN, "practice.manage"),
        Stop(ADMIN, "course_authoring.create"),
        Stop(ADMIN, "home.index"),
    ]


def _anonymous_stops(demo: _Demo) -> list[Stop]:
    running = demo.running
    return [
        Stop(ANONYMOUS, "accounts.login"),
        Stop(ANONYMOUS, "accounts.register"),
        Stop(ANONYMOUS, "accounts.reset_password", {"secret": "expired"}, status=404),
        Stop(ANONYMOUS, "competition_live.display", {"display_token": running.display_token}),
    ]


def tour_stops() -> list[Stop]:
    """Every page the tour opens, grouped by who opens it (in a request context)."""
    demo = _demo()
    stages = tour_stage.stage_stops(Stop, ORGANIZER, MEMBER, ANONYMOUS)
    stops = _anonymous_stops(demo) + _member_stops(demo) + _organizer_stops(demo) + _admin_stops()
    announcements = tour_announcements.announcement_stops(Stop, ORGANIZER, MEMBER)
    return stops + live_stops(Stop, ORGANIZER, MEMBER) + stages + announcements

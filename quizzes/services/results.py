"""A quiz's results per member and per org unit, for organizers, admins and unit leaders.

One query loads every attempt of the quiz in the viewer's scope with its member and unit; grades,
filters, unit summaries and the page are worked out from it, so the page costs the same few
queries whatever the number of members. Who sees which rows is the course reports' rule: staff
see everyone, a unit's leader their own unit and the units below it, nobody else anything.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from courses.services.reports import report_scope
from lms.accounts.models import OrgUnit, User
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from lms.core.paging import Page
from question_bank.models import QuestionVersion
from quizzes.models import Attempt, AttemptItem, Quiz, State
from quizzes.permissions import can_manage_quiz
from quizzes.services import grading

OUTCOMES = ("passed", "failed")


def viewer_scope(user: User) -> list[OrgUnit] | None:
    """None for staff (every row), else the units the user leads; refused (403) for others."""
    return report_scope(user)


@dataclass(frozen=True)
class ResultFilters:
    unit_id: int | None = None  # this unit and the units below it
    outcome: str = ""  # "", "passed" or "failed"
    text: str = ""  # part of the member's name or username


@dataclass
class MemberResult:
    user: User
    attempts: int
    counted: Attempt | None  # the attempt that stands for the grade
    grade: float | None
    passed: bool

    @property
    def max_score(self) -> float:
        return self.counted.max_score if self.counted else 0.0

    @property
    def percent(self) -> float | None:
        if self.grade is None or not self.max_score:
            return None
        return round(100 * self.grade / self.max_score, 1)

    @property
    def time_used_seconds(self) -> int | None:
        return self.counted.time_used_seconds if self.counted else None

    @property
    def needs_grading(self) -> bool:
        return self.counted is not None and self.counted.needs_grading


@dataclass
class UnitSummary:
    path: str
    participants: int = 0
    graded: int = 0  # participants with a grade, the ones the average is over
    percent_total: float = 0.0
    passed: int = 0

    def add(self, row: MemberResult) -> None:
        self.participants += 1
        self.passed += row.passed
        if row.percent is not None:
            self.graded += 1
            self.percent_total += row.percent

    @property
    def average_percent(self) -> float | None:
        return round(self.percent_total / self.graded, 1) if self.graded else None

    @property
    def pass_rate(self) -> int:
        return round(100 * self.passed / self.participants) if self.participants else 0


@dataclass
class QuizResults:
    quiz: Quiz
    rows: list[MemberResult] = field(default_factory=list)
    units: list[UnitSummary] = field(default_factory=list)
    total: UnitSummary = field(default_factory=lambda: UnitSummary(""))

    @property
    def shows_pass(self) -> bool:
        """Pass figures (rate, column, filter) only mean something with a pass mark."""
        return grading.has_pass_mark(self.quiz)


def in_subtree(unit: OrgUnit) -> ColumnElement[bool]:
    prefix = unit.path + "/"
    return or_(OrgUnit.id == unit.id, func.substr(OrgUnit.path, 1, len(prefix)) == prefix)


def scope_condition(scope: list[OrgUnit] | None) -> ColumnElement[bool]:
    if scope is None:
        return OrgUnit.id.is_not(None)
    return or_(*(in_subtree(unit) for unit in scope)) if scope else false()


def filter_units(scope: list[OrgUnit] | None) -> list[OrgUnit]:
    """The units a viewer may narrow the table to: all, or the subtrees they lead."""
    query = select(OrgUnit).where(scope_condition(scope)).order_by(OrgUnit.path)
    return list(db.session.scalars(query))


def _attempts(quiz: Quiz, scope: list[OrgUnit] | None, filters: ResultFilters) -> list[Attempt]:
    query = (
        select(Attempt)
        .join(User, User.id == Attempt.user_id)
        .join(OrgUnit, OrgUnit.id == User.unit_id)
        .options(contains_eager(Attempt.user).contains_eager(User.unit))
        .where(Attempt.quiz_id == quiz.id, scope_condition(scope))
        .order_by(OrgUnit.path, User.display_name, User.id, Attempt.number)
    )
    if filters.unit_id is not None:
        unit = db.session.get(OrgUnit, filters.unit_id)
        query = query.where(in_subtree(unit) if unit is not None else false())
    text = filters.text.strip()
    if text:
        query = query.where(
            or_(
                User.display_name.icontains(text, autoescape=True),
                User.username.icontains(text, autoescape=True),
            )
        )
    return list(db.session.scalars(query).unique())


def quiz_results(quiz: Quiz, scope: list[OrgUnit] | None, filters: ResultFilters) -> QuizResults:
    """Every member in scope who attempted the quiz, with the grade the grading method counts."""
    by_member: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in _attempts(quiz, scope, filters):
        by_member[attempt.user_id].append(attempt)
    results = QuizResults(quiz, total=UnitSummary(_("All units")))
    outcome = filters.outcome if results.shows_pass else ""
    units: dict[str, UnitSummary] = {}
    for attempts in by_member.values():
        counted = grading.counted_attempt(quiz, attempts)
        row = MemberResult(
            user=attempts[0].user,
            attempts=len(attempts),
            counted=counted,
            grade=grading.member_grade(quiz, attempts),
            passed=counted is not None and grading.passed(quiz, counted),
        )
        if outcome == "passed" and not row.passed:
            continue
        if outcome == "failed" and row.passed:
            continue
        results.rows.append(row)
        units.setdefault(row.user.unit.path, UnitSummary(row.user.unit.path)).add(row)
        results.total.add(row)
    results.units = [units[path] for path in sorted(units)]
    return results


def page_of(rows: list[MemberResult], page: int, per_page: int) -> Page:
    last = max(1, math.ceil(len(rows) / per_page))
    page = min(max(page, 1), last)
    start = (page - 1) * per_page
    return Page(items=rows[start : start + per_page], total=len(rows), page=page, per_page=per_page)


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def result_table(results: QuizResults) -> tuple[list[str], list[list[object]]]:
    """The results as a header and rows for an XLSX or CSV file; "Passed" only with a pass mark."""
    shows_pass = results.shows_pass
    header = [
        pgettext("person", "Name"),
        _("Username"),
        _("Unit"),
        _("Attempts"),
        _("Grade"),
        _("Maximum"),
        _("Percent"),
        _("Time used"),
        *([_("Passed")] if shows_pass else []),
        _("Waiting for grading"),
    ]
    rows: list[list[object]] = [
        [
            row.user.display_name,
            row.user.username,
            row.user.unit.path,
            row.attempts,
            row.grade,
            row.max_score,
            row.percent,
            duration(row.time_used_seconds),
            *([_("Yes") if row.passed else _("No")] if shows_pass else []),
            _("Yes") if row.needs_grading else "",
        ]
        for row in results.rows
    ]
    return header, rows


def load_quiz(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFoundError(_("This quiz does not exist."))
    return quiz


def results_quiz(user: User, quiz_id: int) -> Quiz:
    """The quiz whose results ``user`` asks for: a draft only for its managers (a unit leader
    finds no draft, as members find none)."""
    quiz = load_quiz(quiz_id)
    if not quiz.is_published and not can_manage_quiz(user, quiz):
        raise NotFoundError(_("This quiz does not exist."))
    return quiz


def finished_count(quiz: Quiz) -> int:
    query = select(func.count(Attempt.id)).where(
        Attempt.quiz_id == quiz.id, Attempt.state == State.FINISHED
    )
    return db.session.scalar(query) or 0


def load_members(attempts: list[Attempt]) -> None:
    """Load the members of these attempts in one query rather than one per attempt."""
    ids = {attempt.user_id for attempt in attempts}
    if ids:
        db.session.scalars(select(User).where(User.id.in_(ids))).all()


@dataclass
class GradingGroup:
    """The answers to one question that a person grades, with the question's newest version."""

    version: QuestionVersion
    items: list[AttemptItem] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(item.fraction is None for item in self.items)


def grading_queue(quiz: Quiz, *, include_graded: bool = False) -> list[GradingGroup]:
    """The manual grading queue grouped by question, in the order the questions were asked."""
    items = grading.manual_queue(quiz, include_graded=include_graded)
    if items:  # their attempts and members in one query, not one per answer
        db.session.scalars(
            select(Attempt)
            .options(joinedload(Attempt.user))
            .where(Attempt.id.in_({item.attempt_id for item in items}))
        ).all()
    groups: dict[int, GradingGroup] = {}
    for item in sorted(items, key=lambda i: (i.slot, i.attempt_id)):
        group = groups.setdefault(item.version.question_id, GradingGroup(item.version))
        if item.version.number > group.version.number:
            group.version = item.version
        group.items.append(item)
    return list(groups.values())


def quiz_answer(quiz: Quiz, answer_id: int) -> AttemptItem:
    """One answer (an attempt item) of one of the quiz's attempts; 404 for any other."""
    item = db.session.get(AttemptItem, answer_id)
    if item is None or item.attempt.quiz_id != quiz.id:
        raise NotFoundError(_("This answer does not exist."))
    return item

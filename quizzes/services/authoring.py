"""Building quizzes: settings, slots (fixed or random), audience, publishing, and attaching a
quiz to a course as an item (passing it then completes the item)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, null, select
from sqlalchemy.orm import joinedload, selectinload

from courses.models import Course, CourseModule
from courses.services import authoring as course_authoring
from lms.accounts.models import OrgUnit, Role, User
from lms.core.dates import moment_problem
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from lms.core.text import text_problem
from question_bank.models import Question, QuestionCategory
from question_bank.types import registered_types
from quizzes.models import Attempt, Feedback, Grading, Quiz, QuizSlot, ReviewWhen
from quizzes.services.drawing import slot_candidates

MAX_TIME_LIMIT = 24 * 3600
MAX_SLOTS = 200


@dataclass
class QuizSettings:
    title: str
    description_md: str = ""
    time_limit_seconds: int | None = None
    grace_seconds: int = 60
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    max_attempts: int | None = 1
    grading: str = Grading.HIGHEST
    pass_percent: float | None = None
    shuffle_questions: bool = False
    shuffle_options: bool = True
    one_per_page: bool = False
    feedback: str = Feedback.DEFERRED
    review_marks: str = ReviewWhen.AFTER_ATTEMPT
    review_answers: str = ReviewWhen.AFTER_CLOSE
    review_explanations: str = ReviewWhen.AFTER_CLOSE
    units: list[OrgUnit] = field(default_factory=list)

    @classmethod
    def of(cls, quiz: Quiz) -> QuizSettings:
        values = {f.name: getattr(quiz, f.name) for f in fields(cls) if f.name != "units"}
        return cls(**values, units=list(quiz.units))


@dataclass(frozen=True)
class SlotSpec:
    """A fixed question (``question_id``) or a random draw (``category`` and a rule)."""

    mark: float = 1.0
    question_id: int | None = None
    category: QuestionCategory | None = None
    include_subcategories: bool = True
    tags: tuple[str, ...] = ()
    difficulty: int | None = None
    type: str | None = None
    count: int = 1


def _title_problem(title: str) -> str | None:
    if not title:
        return _("Give the quiz a title.")
    if len(title) > 200:
        return _("The title has at most 200 characters.")
    return text_problem(title)


def _check(settings: QuizSettings) -> QuizSettings:
    problems: list[str] = []
    settings.title = (settings.title or "").strip()
    if title_problem := _title_problem(settings.title):
        problems.append(title_problem)
    limit = settings.time_limit_seconds
    if limit is not None and not 0 < limit <= MAX_TIME_LIMIT:
        problems.append(_("The time limit is between 1 second and 24 hours."))
    if not 0 <= settings.grace_seconds <= 3600:
        problems.append(_("The grace period is between 0 seconds and one hour."))
    if settings.max_attempts is not None and not 1 <= settings.max_attempts <= 100:
        problems.append(_("Allow between 1 and 100 attempts, or leave it unlimited."))
    problems.extend(filter(None, [moment_problem(settings.opens_at, settings.closes_at)]))
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems.append(_("The quiz must close after it opens."))
    if settings.pass_percent is not None and not 0 <= settings.pass_percent <= 100:
        problems.append(_("The pass mark is a percentage between 0 and 100."))
    if settings.grading not in set(Grading):
        problems.append(_("Choose a grading method: highest, last, first or average."))
    if settings.feedback not in set(Feedback):
        problems.append(_("Feedback is deferred or immediate."))
    for when in (settings.review_marks, settings.review_answers, settings.review_explanations):
        if when not in set(ReviewWhen):
            problems.append(_("Review is after_attempt, after_close or never."))
            break
    if problems:
        raise ValidationError(problems[0], problems=problems)
    return settings


def _apply(quiz: Quiz, settings: QuizSettings) -> None:
    for f in fields(settings):
        if f.name != "units":
            setattr(quiz, f.name, getattr(settings, f.name))
    if settings.max_attempts is None and quiz.id is None:
        # The ORM inserts a column's default in place of None: unlimited needs an explicit NULL.
        quiz.max_attempts = null()
    quiz.units = list(settings.units)


def create_quiz(
    settings: QuizSettings, slots: list[SlotSpec] = (), *, created_by: User | None = None
) -> Quiz:
    quiz = Quiz(created_by_id=created_by.id if created_by else None)
    _apply(quiz, _check(settings))
    db.session.add(quiz)
    db.session.flush()
    for spec in slots:
        add_slot(quiz, spec)
    return quiz


def has_attempts(quiz: Quiz) -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.quiz_id == quiz.id)
        )
    )


def update_quiz(quiz: Quiz, settings: QuizSettings) -> Quiz:
    _apply(quiz, _check(settings))
    db.session.flush()
    return quiz


def _check_slot(spec: SlotSpec) -> SlotSpec:
    if not 0 < spec.mark <= 1000:
        raise ValidationError(_("A slot's mark is more than 0 and at most 1000."), field="mark")
    if (spec.question_id is None) == (spec.category is None):
        raise ValidationError(_("Choose a question, or a category to draw from."), field="slot")
    if spec.question_id is not None:
        question = db.session.get(Question, spec.question_id)
        if question is None or question.current_version_id is None:
            raise ValidationError(
                _("There is no question #%(id)s.", id=spec.question_id), field="question_id"
            )
        if question.is_retired:
            raise ValidationError(_("Question #%(id)s is retired.", id=question.id))
        return spec
    if not 1 <= spec.count <= MAX_SLOTS:
        raise ValidationError(_("Draw between 1 and %(n)d questions.", n=MAX_SLOTS), field="count")
    if spec.difficulty is not None and not 1 <= spec.difficulty <= 5:
        raise ValidationError(_("Difficulty is from 1 to 5."), field="difficulty")
    if spec.type is not None and spec.type not in registered_types():
        raise ValidationError(_("Unknown question type “%(key)s”.", key=spec.type), field="type")
    return spec


def add_slot(quiz: Quiz, spec: SlotSpec) -> QuizSlot:
    """Add a slot; a random slot must find enough matching questions in the bank today."""
    _check_slot(spec)
    if len(quiz.slots) >= MAX_SLOTS:
        raise ValidationError(_("A quiz has at most %(n)d slots.", n=MAX_SLOTS))
    if spec.question_id is not None and any(s.question_id == spec.question_id for s in quiz.slots):
        raise ConflictError(_("This question is already in the quiz."), code="duplicate")
    slot = QuizSlot(
        position=len(quiz.slots),
        question_id=spec.question_id,
        category_id=spec.category.id if spec.category else None,
        category=spec.category,
        include_subcategories=spec.include_subcategories,
        tags=list(spec.tags),
        difficulty=spec.difficulty,
        type=spec.type,
        count=1 if spec.question_id is not None else spec.count,
        mark=spec.mark,
    )
    if slot.is_random:
        found = len(slot_candidates(slot))
        if found < slot.count:
            raise ValidationError(
                _(
                    "Only %(found)d questions match this rule; it needs %(count)d.",
                    found=found,
                    count=slot.count,
                ),
                field="count",
            )
    quiz.slots.append(slot)
    db.session.flush()
    return slot


def remove_slot(quiz: Quiz, slot_id: int) -> None:
    slot = next((s for s in quiz.slots if s.id == slot_id), None)
    if slot is None:
        raise ValidationError(_("This slot is not part of the quiz."))
    quiz.slots.remove(slot)
    for position, remaining in enumerate(quiz.slots):
        remaining.position = position
    db.session.flush()


def move_slot(quiz: Quiz, slot_id: int, offset: int) -> None:
    slots = list(quiz.slots)
    index = next((i for i, s in enumerate(slots) if s.id == slot_id), None)
    if index is None:
        raise ValidationError(_("This slot is not part of the quiz."))
    target = max(0, min(len(slots) - 1, index + offset))
    slots.insert(target, slots.pop(index))
    for position, slot in enumerate(slots):
        slot.position = position
    db.session.flush()
    db.session.expire(quiz, ["slots"])


def question_count(quiz: Quiz) -> int:
    return sum(slot.count for slot in quiz.slots)


def total_marks(quiz: Quiz) -> float:
    return round(sum(slot.count * slot.mark for slot in quiz.slots), 4)


def set_published(quiz: Quiz, published: bool) -> None:
    if published and not quiz.slots:
        raise ConflictError(_("Add at least one question before publishing."), code="empty")
    quiz.is_published = published
    db.session.flush()


def attach_to_module(quiz: Quiz, module: CourseModule) -> None:
    """Make the quiz an item of a course module; passing the quiz completes the item."""
    if quiz.item_id is not None:
        raise ConflictError(_("This quiz is already part of a course."), code="attached")
    item = course_authoring.add_item(module, kind="quiz", title=quiz.title, minutes=10)
    quiz.item_id = item.id
    db.session.flush()


def quiz_of_item(item_id: int) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.item_id == item_id))


def get_quiz(quiz_id: int) -> Quiz:
    quiz = db.session.get(Quiz, quiz_id)
    if quiz is None:
        raise NotFoundError(_("This quiz does not exist."))
    return quiz


@dataclass(frozen=True)
class QuizRow:
    """A quiz on the organizers' list, with its size and how often it was taken."""

    quiz: Quiz
    questions: int
    marks: float
    attempts: int


def quiz_overview() -> list[QuizRow]:
    """Every quiz, newest first, in three queries however many quizzes there are."""
    attempts = (
        select(Attempt.quiz_id, func.count().label("n"))
        .where(Attempt.quiz_id.is_not(None))
        .group_by(Attempt.quiz_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Quiz, func.coalesce(attempts.c.n, 0))
        .outerjoin(attempts, attempts.c.quiz_id == Quiz.id)
        .options(selectinload(Quiz.slots), selectinload(Quiz.units))
        .order_by(Quiz.id.desc())
    )
    return [QuizRow(quiz, question_count(quiz), total_marks(quiz), n) for quiz, n in rows]


def fixed_questions(quiz: Quiz) -> dict[int, Question]:
    """The questions of the quiz's fixed slots by id, with their current versions, in one query."""
    ids = [slot.question_id for slot in quiz.slots if slot.question_id is not None]
    if not ids:
        return {}
    found = db.session.scalars(
        select(Question).where(Question.id.in_(ids)).options(joinedload(Question.current))
    )
    return {question.id: question for question in found}


def modules_to_attach_to(user: User) -> list[CourseModule]:
    """Modules of the courses ``user`` may edit (every course for an admin), course by course."""
    query = (
        select(CourseModule)
        .join(Course, Course.id == CourseModule.course_id)
        .options(joinedload(CourseModule.course))
        .order_by(Course.title, Course.id, CourseModule.position)
    )
    if user.role != Role.ADMIN.value:
        query = query.where(Course.editors.any(User.id == user.id))
    return list(db.session.scalars(query))

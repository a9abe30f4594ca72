"""One of everything a URL can name, for tests that walk every route."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from competitions.models import Competition, CompetitionRound, Entry, Registration
from courses.models import Comment
from courses.services import authoring
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.core.uploads import save_upload
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Quiz
from quizzes.services import answers, attempts
from quizzes.services import authoring as authoring_quizzes
from quizzes.services.authoring import QuizSettings, SlotSpec
from tests.courses_factories import add_talk, add_video
from tests.factories import OrgUnitFactory, UserFactory


def sample_objects(editor: User | None = None) -> dict[str, Any]:
    """A user, an empty unit, and a published course (everyone) with a module and a lesson."""
    course = authoring.create_course(title="Sample course", editors=[editor] if editor else [])
    module = authoring.add_module(course, title="Module one")
    item = authoring.add_item(module, kind="lesson", title="Lesson one", body_md="Hello")
    activity = add_talk(module, utcnow() + timedelta(days=1))
    authoring.set_published(course, True)
    upload = save_upload(io.BytesIO(b"%PDF-1.4 sample"), "guide.pdf", "attachment")
    attachment = authoring.add_attachment(item, upload)
    add_video(item)
    author = UserFactory(username="author")
    comment = Comment(item=item, user=author, body_md="A comment")
    db.session.add(comment)
    db.session.flush()
    question = questions.create_question(
        categories.ensure_path("Sample"),
        QuestionContent(type="true_false", stem_md="Is it?", definition={"correct": True}),
    )
    quiz = authoring_quizzes.create_quiz(
        QuizSettings(title="Sample quiz"), [SlotSpec(question_id=question.id)]
    )
    authoring_quizzes.set_published(quiz, True)
    target = UserFactory(username="target")
    attempt = attempts.start(target, quiz)
    answers.save_answer(attempt, 1, True, 1)
    attempts.submit(attempt)
    competition = _sample_competition(quiz, target)
    return {
        "competition": competition,
        "quiz": quiz,
        "attempt": attempt,
        "question": question,
        "attachment": attachment,
        "comment": comment,
        "activity": activity,
        "user": target,
        "unit": OrgUnitFactory(name="Empty"),
        "course": course,
        "module": module,
        "item": item,
    }


def _sample_competition(quiz: Quiz, participant: User) -> Competition:
    """A running competition over the sample quiz, with ``participant`` registered and ranked."""
    now = utcnow()
    competition = Competition(
        title="Sample competition",
        is_published=True,
        registration_opens_at=now - timedelta(days=2),
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        display_token="sample-display-token",
        rounds=[CompetitionRound(quiz=quiz)],
    )
    db.session.add(competition)
    db.session.flush()
    db.session.add(Registration(competition_id=competition.id, user_id=participant.id))
    db.session.add(
        Entry(
            competition_id=competition.id,
            user_id=participant.id,
            unit_id=participant.unit_id,
            score=1.0,
            max_score=1.0,
            submitted_at=now,
            rounds_done=1,
        )
    )
    db.session.flush()
    return competition


def quiz_url_values(objects: dict[str, Any]) -> dict[str, Any]:
    """URL arguments of quiz and competition routes (another member's attempt and entry)."""
    attempt = objects["attempt"]
    return {
        "quiz_id": objects["quiz"].id,
        "attempt_id": attempt.id,
        "slot": 1,
        "answer_id": attempt.items[0].id,
        "slot_id": objects["quiz"].slots[0].id,
        "competition_id": objects["competition"].id,
        "entry_id": db.session.scalars(
            select(Entry.id).where(Entry.competition_id == objects["competition"].id)
        ).one(),
        "display_token": objects["competition"].display_token,
    }

"""Drawing a new attempt's questions: current versions, random slots, and the statements used."""

from __future__ import annotations

import dataclasses
import random

from question_bank.models import QuestionVersion
from question_bank.services import categories, questions
from quizzes.models import Quiz
from quizzes.services import authoring, drawing
from quizzes.services.authoring import QuizSettings, SlotSpec
from tests.quiz_factories import SAMPLE_QUESTIONS, make_bank


def _mixed_quiz(db):
    """Two fixed questions (the first edited after the quiz was built) and two random ones;
    answers the quiz's id, the edited version's, the second fixed version's and the pool's."""
    fixed = make_bank("Fixed", types=("single_choice", "true_false"))
    pool = make_bank("Pool")
    quiz = authoring.create_quiz(
        QuizSettings(title="Mixed"),
        [
            SlotSpec(question_id=fixed[0].id, mark=2.0),
            SlotSpec(category=categories.ensure_path("Pool"), count=2, mark=1.0),
            SlotSpec(question_id=fixed[1].id, mark=3.0),
        ],
    )
    content = next(c for c, _a in SAMPLE_QUESTIONS if c.type == "single_choice")
    edited = questions.edit_question(
        fixed[0], dataclasses.replace(content, stem_md="Capital of France, today?")
    )
    db.session.commit()
    made = (quiz.id, edited.id, fixed[1].current_version_id, {question.id for question in pool})
    db.session.expunge_all()  # a new request: nothing of the quiz is loaded yet
    return made


def test_a_draw_takes_the_current_versions_and_random_picks_from_the_category(db):
    quiz_id, edited_id, second_fixed_version_id, pool_ids = _mixed_quiz(db)
    drawn = drawing.draw_quiz(db.session.get(Quiz, quiz_id), seed=7)

    assert [entry.mark for entry in drawn] == [2.0, 1.0, 1.0, 3.0]
    assert drawn[0].version.id == edited_id
    assert drawn[3].version.id == second_fixed_version_id
    random_ids = {entry.version.question_id for entry in drawn[1:3]}
    assert len(random_ids) == 2
    assert random_ids <= pool_ids
    assert all(entry.version.id == entry.version.question.current_version_id for entry in drawn)


def test_a_draw_reads_slots_and_fixed_versions_in_one_statement(db, count_queries):
    quiz_id, *_rest = _mixed_quiz(db)
    quiz = db.session.get(Quiz, quiz_id)
    with count_queries() as counter:
        drawing.draw_quiz(quiz, seed=7)
    # the slots with their categories and fixed versions; the random slot's candidates; the
    # versions of the two random picks
    assert counter.count == 3, counter.statements


def test_a_matching_draw_offers_the_extra_right_hand_items_too(db):
    version = QuestionVersion(
        type="matching",
        definition={
            "pairs": [
                {"id": "p1", "left": "Dog", "right": "Bark"},
                {"id": "p2", "left": "Cow", "right": "Moo"},
            ],
            "distractors": [{"id": "d1", "text": "Chat"}],
        },
    )
    choices = drawing.present_choices(version, random.Random(1), shuffle=False)
    assert sorted(real for _token, real in choices["right"]) == ["d1", "p1", "p2"]
    assert [real for _token, real in choices["left"]] == ["p1", "p2"]

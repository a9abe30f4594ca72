"""An id in a question's Markdown never names an element of the attempt or review page
(``<a id="attempt-form">`` would stand for the attempt's form in static/js/quiz.js)."""

from __future__ import annotations

import re

from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.services import attempts
from tests.factories import UserFactory
from tests.formfill import submit_form
from tests.quiz_factories import make_quiz

SPOOF = '<a id="attempt-form" href="#attempt-form">see</a> <sup id="q1">1</sup> Is it true?'


def test_ids_in_a_stem_are_namespaced_on_the_attempt_and_review_pages(
    client, db, login_as, csrf_enabled
):
    question = questions.create_question(
        categories.ensure_path("Bank"),
        QuestionContent(type="true_false", stem_md=SPOOF, definition={"correct": True}),
    )
    quiz = make_quiz([question], review_answers="after_attempt")
    member = login_as(UserFactory())
    attempt = attempts.start(member, quiz)
    db.session.commit()
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert len(re.findall(r'\sid="attempt-form"', page)) == 1  # the page's own form only
    assert 'id="user-content-q1"' in page
    submit_form(client, f"/attempts/{attempt.id}?finish=1", form=f"/attempts/{attempt.id}/submit")
    review = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert not re.search(r'\sid="attempt-form"', review)
    assert 'href="#user-content-attempt-form"' in review

"""A member taking a competition's round is in Competitions: the main menu says so."""

from __future__ import annotations

import re
from typing import Any

from tests.quiz_factories import make_bank, make_quiz
from tests.web.competitions.test_round_leaks import _round

CURRENT = re.compile(r'<a href="([^"]+)" aria-current="page">')


def test_a_round_and_its_review_are_under_competitions_in_the_menu(client, db, login_as, member):
    quiz = _round(db, member)
    login_as(member)
    started = client.post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()

    for url in (f"/quizzes/{quiz.id}", f"/attempts/{started['id']}"):
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert CURRENT.findall(page) == ["/competitions"], url


def test_a_plain_quiz_stays_under_quizzes(client, db: Any, login_as, member):
    quiz = make_quiz(make_bank(), title="Plain quiz")
    db.session.commit()
    login_as(member)

    page = client.get(f"/quizzes/{quiz.id}").get_data(as_text=True)

    assert CURRENT.findall(page) == ["/quizzes"]

"""A competition runs for days: its rounds reveal nothing (marks, answers, explanations, ✓/✗)
to anyone who took them before the competition ends, even when the round's quiz says to review
right after the attempt, with immediate feedback. On every route: the API, every attempt page,
the quiz's start page, the quiz list and the wrong-answer notebook. After the end, the quiz's
own rules apply again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, url_for

from competitions.models import CompetitionRound
from competitions.services import registration
from lms.core.clock import utcnow
from question_bank.services import categories, questions
from quizzes.models import Quiz
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.competitions.helpers import running
from tests.web.quizzes.test_answer_leaks import (
    EXTRA_QUESTIONS,
    _assert_html_reveals_nothing,
    _assert_json_reveals_nothing,
    _attempt_pages,
    _wrong_answer,
)

EN = {"Accept-Language": "en"}
GENEROUS = {
    "review_marks": "after_attempt",
    "review_answers": "after_attempt",
    "review_explanations": "after_attempt",
    "feedback": "immediate",
    "max_attempts": None,
}


def _round(db: Any, member: Any) -> Quiz:
    """A round of a competition that runs for three more days; ``member`` is registered."""
    bank = make_bank()
    extra = categories.ensure_path("Round bank")
    bank += [questions.create_question(extra, content) for content in EXTRA_QUESTIONS]
    quiz = make_quiz(bank, title="Round one", shuffle_options=True, **GENEROUS)
    competition = running([quiz], ends_at=utcnow() + timedelta(days=3))
    registration.register(member, competition)
    db.session.commit()
    return quiz


def _answered_attempt(client: Any, quiz: Quiz, seen: list[tuple[str, Any]]) -> dict[str, Any]:
    started = client.post(f"/api/v1/quizzes/{quiz.id}/attempts")
    assert started.status_code == 201, started.get_json()
    attempt = started.get_json()
    seen.append(("start", attempt))
    base = f"/api/v1/attempts/{attempt['id']}"
    for sequence, item in enumerate(attempt["items"], start=1):
        saved = client.put(
            f"{base}/answers/{item['slot']}",
            json={"answer": _wrong_answer(item), "sequence": sequence},
        )
        assert saved.status_code == 200, saved.get_json()
        seen.append(("save", saved.get_json()))
    return attempt


def test_no_api_response_reveals_a_round_before_the_competition_ends(
    client, db, member, login_as, clock
):
    quiz = _round(db, member)
    login_as(member)
    seen: list[tuple[str, Any]] = []
    for _attempt in range(2):
        attempt = _answered_attempt(client, quiz, seen)
        base = f"/api/v1/attempts/{attempt['id']}"
        checked = client.post(f"{base}/check/1")
        assert checked.status_code == 409  # no checking answer by answer in a round
        seen.append(("check", checked.get_json()))
        seen.append(("get", client.get(base).get_json()))
        submitted = client.post(f"{base}/submit")
        assert submitted.status_code == 200
        assert submitted.get_json()["review"] == {
            "marks": False,
            "answers": False,
            "explanations": False,
        }
        seen.append(("submit", submitted.get_json()))
        seen.append(("get after submit", client.get(base).get_json()))
        clock.advance(days=1)  # a day later, the competition still runs
        seen.append(("get a day later", client.get(base).get_json()))
    seen.append(("quiz", client.get(f"/api/v1/quizzes/{quiz.id}").get_json()))
    seen.append(("list", client.get("/api/v1/quizzes").get_json()))
    for what, body in seen:
        _assert_json_reveals_nothing(what, body)

    clock.advance(days=1, minutes=1)  # the competition has ended: the quiz's rules apply
    after = client.get(f"/api/v1/attempts/{attempt['id']}").get_json()
    assert after["review"] == {"marks": True, "answers": True, "explanations": True}
    assert "score" in after


def test_no_page_reveals_a_round_before_the_competition_ends(
    app: Flask, client, db, member, login_as, clock
):
    quiz = _round(db, member)
    login_as(member)
    attempt = _answered_attempt(client, quiz, [])
    pages = _attempt_pages(app)
    assert pages
    scanned = 0
    for moment in ("in progress", "submitted"):
        if moment == "submitted":
            assert client.post(f"/api/v1/attempts/{attempt['id']}/submit").status_code == 200
        for endpoint in pages:
            with app.test_request_context():
                url = url_for(endpoint, attempt_id=attempt["id"], quiz_id=quiz.id, slot=1)
            response = client.get(url, follow_redirects=True)
            assert response.status_code == 200, (endpoint, moment, response.status_code)
            html = response.get_data(as_text=True)
            _assert_html_reveals_nothing(f"{endpoint} {moment}", html)
            assert 'data-testid="check"' not in html, endpoint
            assert "✓" not in html and "✗" not in html, endpoint
            scanned += 1
    for other in ("/quizzes", f"/quizzes/{quiz.id}", "/notebook"):
        response = client.get(other)
        assert response.status_code == 200, other
        _assert_html_reveals_nothing(other, response.get_data(as_text=True))
        scanned += 1
    review = client.get(f"/attempts/{attempt['id']}/review").get_data(as_text=True)
    assert 'data-testid="marks-hidden"' in review
    assert scanned == 2 * len(pages) + 3

    clock.advance(days=3, minutes=1)
    assert 'data-testid="score"' in client.get(f"/attempts/{attempt['id']}/review").get_data(
        as_text=True
    )


def test_the_authoring_pages_say_rounds_are_held_until_the_end(
    client, db, member, organizer, login_as, clock
):
    quiz = _round(db, member)
    competition_id = db.session.scalar(db.select(CompetitionRound.competition_id))
    login_as(organizer)
    for url in (f"/manage/quizzes/{quiz.id}", f"/manage/quizzes/{quiz.id}/edit"):
        page = client.get(url, headers=EN).get_data(as_text=True)
        assert 'data-testid="review-held"' in page, url
        assert "Round 1 of the competition “Safety contest”" in page, url
    for url in (
        f"/manage/competitions/{competition_id}",
        f"/manage/competitions/{competition_id}/edit",
        "/manage/competitions/new",
    ):
        page = client.get(url, headers=EN).get_data(as_text=True)
        assert "Rounds show no marks, answers or explanations" in page, url

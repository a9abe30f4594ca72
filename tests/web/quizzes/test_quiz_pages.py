"""The member's quiz pages: list, start page, the attempt as a plain form, submit, review."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest

from lms.core.clock import utcnow
from lms.core.extensions import db as _db
from quizzes.models import Attempt, Mode, State
from quizzes.services import answers, attempts
from quizzes.services.presentation import attempt_view
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.quiz_factories import SAMPLE_QUESTIONS, make_bank, make_quiz, right_answer

EN = {"Accept-Language": "en"}


def _answer(item: dict[str, Any], answer: Any) -> dict[str, Any]:
    """The changes a member makes to the page's inputs of ``item`` to answer ``answer``."""
    name = f"q{item['slot']}"
    fields: dict[str, Any] = {}
    if item["type"] == "true_false":
        fields[name] = "true" if answer else "false"
    elif item["type"] == "fill_blank":
        fields.update({f"{name}-{n}": text for n, text in enumerate(answer, start=1)})
    elif item["type"] == "matching":
        fields.update({f"{name}-{left}": right for left, right in answer.items()})
    elif item["type"] == "numerical":
        fields[name] = str(answer)
    else:
        fields[name] = answer
    return fields


def _started(member, **settings: Any) -> Attempt:
    quiz = make_quiz(**settings)
    attempt = attempts.start(member, quiz)
    _db.session.commit()
    return attempt


def _click(client, attempt: Attempt, button: str, changes=None, *, url: str = "", page=None):
    """Fill the attempt page (``url``, or ``page`` as it was) and press ``button``."""
    return submit_form(
        client,
        url or f"/attempts/{attempt.id}",
        changes,
        form="attempt-form",
        button=button,
        page=page,
        headers=EN,
    )


def _hand_in(client, attempt: Attempt, changes=None, *, page=None):
    """Hand in as the page's script does: the attempt form's fields, posted to its submit url."""
    return submit_form(
        client,
        f"/attempts/{attempt.id}",
        changes,
        form="attempt-form",
        page=page,
        post_to=f"/attempts/{attempt.id}/submit",
    )


def test_the_list_groups_quizzes_and_shows_standing_in_constant_queries(
    client, db, login_as, count_queries
):
    north = OrgUnitFactory(name="North")
    member = UserFactory(unit=north)
    bank = make_bank(types=("true_false",))
    now = utcnow()
    done = make_quiz(bank, title="Done quiz", max_attempts=2)
    make_quiz(bank, title="Later quiz", opens_at=now + timedelta(days=1))
    make_quiz(
        bank, title="Old quiz", opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1)
    )
    make_quiz(bank, title="South quiz", units=[OrgUnitFactory(name="South")])
    make_quiz(bank, title="Draft quiz", published=False)
    going = make_quiz(bank, title="Going quiz")
    finished = attempts.start(member, done)
    answers.save_answer(finished, 1, True, 1)
    attempts.submit(finished)
    current = attempts.start(member, going)
    db.session.commit()
    login_as(member)

    page = client.get("/quizzes", headers=EN).get_data(as_text=True)
    open_part, rest = page.split('data-testid="quiz-group-upcoming"')
    assert "Done quiz" in open_part and "Going quiz" in open_part
    assert "Later quiz" in rest.split('data-testid="quiz-group-closed"')[0]
    assert "Old quiz" in rest.split('data-testid="quiz-group-closed"')[1]
    assert "South quiz" not in page and "Draft quiz" not in page
    assert "Grade: 2 / 2" in page
    assert "Attempts: 1 of 2 used" in page
    assert f'href="/attempts/{current.id}"' in page

    db.session.commit()
    with count_queries() as few:
        client.get("/quizzes")
    for n in range(5):
        quiz = make_quiz(bank, title=f"More {n}")
        attempts.submit(attempts.start(member, quiz))
    db.session.commit()
    with count_queries() as many:
        assert "More 4" in client.get("/quizzes").get_data(as_text=True)
    assert many.count == few.count


def test_start_page_shows_the_rules_and_starts_then_resumes_one_attempt(
    client, db, login_as, csrf_enabled
):
    member = login_as(UserFactory())
    quiz = make_quiz(time_limit_seconds=600, max_attempts=2, pass_percent=60)
    db.session.commit()
    page = client.get(f"/quizzes/{quiz.id}", headers=EN).get_data(as_text=True)
    assert "10 min" in page
    assert "2 allowed, 2 left" in page
    assert "60%" in page
    assert "after the quiz closes" in page

    start = f"/quizzes/{quiz.id}/start"
    response = submit_form(client, f"/quizzes/{quiz.id}", form=start)
    attempt = _db.session.scalars(_db.select(Attempt).where(Attempt.user_id == member.id)).one()
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}")
    again = submit_form(client, f"/quizzes/{quiz.id}", form=start, page=page)  # a second tab
    assert again.headers["Location"] == response.headers["Location"]
    page = client.get(f"/quizzes/{quiz.id}", headers=EN).get_data(as_text=True)
    assert "Resume the attempt" in page


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"closes_at_days": -1}, "This quiz is closed."),
        ({"opens_at_days": 1}, "This quiz opens"),
    ],
)
def test_start_page_explains_why_a_quiz_cannot_start(client, db, login_as, settings, message):
    login_as(UserFactory())
    now = utcnow()
    quiz = make_quiz(
        opens_at=now + timedelta(days=settings.get("opens_at_days", -3)),
        closes_at=now + timedelta(days=settings.get("closes_at_days", 3)),
    )
    db.session.commit()
    page = client.get(f"/quizzes/{quiz.id}", headers=EN).get_data(as_text=True)
    assert message in page
    assert 'data-testid="start"' not in page
    # By hand: the page offers no start, and the server refuses one too.
    refused = client.post(f"/quizzes/{quiz.id}/start", headers=EN, follow_redirects=True)
    assert "This quiz is not open now." in refused.get_data(as_text=True)
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Attempt)) == 0


def test_out_of_attempts_is_said_and_past_marks_follow_the_review_rules(client, db, login_as):
    member = login_as(UserFactory())
    attempt = _started(member, max_attempts=1, review_marks="never")
    attempts.submit(attempt)
    db.session.commit()
    page = client.get(f"/quizzes/{attempt.quiz_id}", headers=EN).get_data(as_text=True)
    assert "You have used all your attempts at this quiz." in page
    assert "Not shown yet" in page
    assert 'data-testid="start"' not in page
    # By hand: the page offers no start, and the server refuses one too.
    refused = client.post(f"/quizzes/{attempt.quiz_id}/start", headers=EN, follow_redirects=True)
    assert "You have used all your attempts" in refused.get_data(as_text=True)


def test_the_attempt_page_has_an_input_for_every_type_and_reveals_nothing(
    client, db, login_as, clock
):
    member = login_as(UserFactory())
    attempt = _started(member, time_limit_seconds=900)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    view = attempt_view(attempt, member)
    for item in view["items"]:
        assert f'name="q{item["slot"]}present"' in page
        for option in item.get("options", []):
            assert f'value="{option["id"]}"' in page
    assert page.count('type="radio"') == 3 + 2  # single choice (3) and true/false (2)
    assert page.count('type="checkbox"') == 3
    assert 'name="q4-1"' in page  # the blank
    assert 'type="number"' in page
    assert page.count("<select") == 2
    assert "<textarea" in page
    assert 'data-seconds-left="900"' in page
    assert 'data-testid="check"' not in page  # deferred feedback
    for leak in ('value="a"', 'value="p1"', "987", "Yes, Paris", "data-correct"):
        assert leak not in page
    assert 'href="/static/css/quiz.css"' in page and 'src="/static/js/quiz.js"' in page


def test_every_type_answered_without_javascript_then_submitted_and_reviewed(
    client, db, login_as, csrf_enabled
):
    member = login_as(UserFactory())
    attempt = _started(member, review_answers="after_attempt", review_explanations="after_attempt")
    fields: dict[str, Any] = {}
    for item in attempt_view(attempt, member)["items"]:
        fields.update(_answer(item, right_answer(item)))
    response = _click(client, attempt, "save", fields)
    assert response.status_code == 302
    _db.session.expire_all()
    saved = _db.session.get(Attempt, attempt.id)
    assert all(item.response is not None for item in saved.items)
    assert all(item.sequence == 1 for item in saved.items)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert f"data-answered-count>{len(SAMPLE_QUESTIONS)}<" in page

    _click(client, attempt, "save", fields)  # unchanged answers are not saved again
    _db.session.expire_all()
    assert all(item.sequence == 1 for item in _db.session.get(Attempt, attempt.id).items)

    finish = f"/attempts/{attempt.id}?finish=1"
    done = submit_form(client, finish, form=f"/attempts/{attempt.id}/submit")
    assert done.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).get_data(as_text=True)
    assert f"12 / {2 * len(SAMPLE_QUESTIONS):g}" in review
    assert "Some answers wait for a grader" in review
    assert "Waiting for a grader." in review
    assert "987" in review  # the explanation, allowed right after the attempt
    assert "Right answer:" in review
    assert "It is a short test." in review
    assert client.get(f"/attempts/{attempt.id}").headers["Location"].endswith("/review")


def test_the_review_hides_what_the_rules_do_not_allow_yet(client, db, login_as):
    member = login_as(UserFactory())
    attempt = _started(member, review_marks="never")
    answers.save_answer(
        attempt, 1, attempt_view(attempt, member)["items"][0]["options"][0]["id"], 1
    )
    attempts.submit(attempt)
    db.session.commit()
    review = client.get(f"/attempts/{attempt.id}/review", headers=EN).get_data(as_text=True)
    assert 'data-testid="marks-hidden"' in review
    for leak in ('data-testid="score"', "Right answer:", "987", "Yes, Paris", "Waiting for"):
        assert leak not in review
    assert 'data-testid="your-answer"' in review


def test_flags_toggle_and_show_in_the_navigation(client, db, login_as, csrf_enabled):
    member = login_as(UserFactory())
    attempt = _started(member)
    response = _click(client, attempt, "flag-2")
    assert response.headers["Location"].endswith("#q2")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert re.search(r'class="nav-slot\s+flagged\s*"[^>]*data-nav-slot="2"', page)
    assert 'aria-pressed="true"' in page
    _click(client, attempt, "flag-2")
    _db.session.expire_all()
    assert not attempts.item_at(_db.session.get(Attempt, attempt.id), 2).is_flagged


def test_one_question_per_page_pages_with_the_answers_saved_on_the_way(
    client, db, login_as, csrf_enabled
):
    member = login_as(UserFactory())
    attempt = _started(member, one_per_page=True)
    first = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert first.count('data-testid="question"') == 1
    assert 'id="q1"' in first and 'data-testid="previous"' not in first
    item = attempt_view(attempt, member)["items"][0]
    moved = _click(client, attempt, "goto-2", _answer(item, right_answer(item)), page=first)
    assert moved.headers["Location"].endswith(f"/attempts/{attempt.id}?page=2")
    second = client.get(f"/attempts/{attempt.id}?page=2").get_data(as_text=True)
    assert 'id="q2"' in second and 'id="q1"' not in second
    assert 'data-testid="previous"' in second
    assert re.search(r'class="nav-slot answered[^"]*"[^>]*data-nav-slot="1"', second)
    assert 'id="q7"' in client.get(f"/attempts/{attempt.id}?page=99").get_data(as_text=True)


def test_finishing_asks_first_and_lists_the_unanswered(client, db, login_as, csrf_enabled):
    member = login_as(UserFactory())
    attempt = _started(member)
    item = attempt_view(attempt, member)["items"][2]
    asked = _click(client, attempt, "finish", _answer(item, True))
    assert "finish=1" in asked.headers["Location"]
    page = client.get(asked.headers["Location"], headers=EN).get_data(as_text=True)
    assert 'data-testid="confirm-finish"' in page
    listed = page.split("Unanswered questions:")[1].split("</p>")[0]
    assert re.findall(r">(\d+)</a>", listed) == ["1", "2", "4", "5", "6", "7"]
    _db.session.expire_all()
    assert _db.session.get(Attempt, attempt.id).state == State.IN_PROGRESS


def test_double_submit_scores_once(client, db, login_as, csrf_enabled):
    member = login_as(UserFactory())
    attempt = _started(member)
    item = attempt_view(attempt, member)["items"][2]
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    _hand_in(client, attempt, _answer(item, True), page=page)
    _db.session.expire_all()
    first = _db.session.get(Attempt, attempt.id)
    score, submitted_at = first.score, first.submitted_at
    assert score == 2.0
    again = _hand_in(client, attempt, _answer(item, False), page=page)  # the same page, again
    assert again.headers["Location"].endswith("/review")
    _db.session.expire_all()
    second = _db.session.get(Attempt, attempt.id)
    assert (second.score, second.submitted_at, second.finished_by) == (
        score,
        submitted_at,
        "member",
    )


def test_a_closed_attempt_answers_409_with_the_message_in_the_page(
    client, db, login_as, clock, csrf_enabled
):
    member = login_as(UserFactory())
    attempt = _started(member, time_limit_seconds=60, grace_seconds=10)
    item = attempt_view(attempt, member)["items"][2]
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)  # left open past the end
    clock.advance(seconds=69)
    assert _click(client, attempt, "save", _answer(item, True), page=page).status_code == 302
    clock.advance(seconds=2)
    refused = _click(client, attempt, "save", _answer(item, False), page=page)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Time is up: this attempt was submitted and no longer accepts answers." in page
    assert f'href="/attempts/{attempt.id}/review"' in page
    _db.session.expire_all()
    closed = _db.session.get(Attempt, attempt.id)
    assert closed.state == State.FINISHED and closed.finished_by == "timeout"
    assert attempts.item_at(closed, 3).response is True


def test_an_overdue_attempt_is_finalised_when_its_page_opens(client, db, login_as, clock):
    member = login_as(UserFactory())
    attempt = _started(member, time_limit_seconds=60, grace_seconds=0)
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert 'data-seconds-left="60"' in page
    clock.advance(seconds=20)
    assert 'data-seconds-left="40"' in client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    clock.advance(seconds=41)
    response = client.get(f"/attempts/{attempt.id}")
    assert response.headers["Location"].endswith(f"/attempts/{attempt.id}/review")
    review = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="timed-out"' in review


def test_another_members_attempt_is_404_on_every_page(client, db, login_as):
    owner = UserFactory()
    attempt = _started(owner)
    login_as(UserFactory())
    db.session.commit()
    assert client.get(f"/attempts/{attempt.id}").status_code == 404
    # By hand: posts to another member's attempt, which no page of this member shows.
    assert client.post(f"/attempts/{attempt.id}", data={"action": "save"}).status_code == 404
    assert client.post(f"/attempts/{attempt.id}/submit").status_code == 404
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 404
    attempts.submit(attempt)
    db.session.commit()
    assert client.get(f"/attempts/{attempt.id}/review").status_code == 404
    assert client.get("/attempts/99999").status_code == 404


def test_bad_input_never_breaks_the_page(client, db, login_as):
    member = login_as(UserFactory())
    attempt = _started(member)
    # By hand: tampered actions and answers, which the page cannot produce.
    for data in (
        {"action": "drop-tables"},
        {"action": "flag-99"},
        {"q1present": "1", "q1": "not-a-token"},
        {"q5present": "1", "q5": "x" * 500},
    ):
        response = client.post(f"/attempts/{attempt.id}", data=data)
        assert response.status_code == 302, data
    assert client.get(f"/attempts/{attempt.id}?page=abc").status_code == 200
    _db.session.expire_all()
    assert attempts.item_at(_db.session.get(Attempt, attempt.id), 1).response is None


def test_immediate_feedback_checks_one_answer_in_the_page(client, db, login_as, csrf_enabled):
    member = login_as(UserFactory())
    attempt = _started(member, feedback="immediate")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert page.count('data-testid="check"') == len(SAMPLE_QUESTIONS)
    item = attempt_view(attempt, member)["items"][0]
    assert _click(client, attempt, "check-1", _answer(item, right_answer(item))).status_code == 302
    page = client.get(f"/attempts/{attempt.id}", headers=EN).get_data(as_text=True)
    first = page.split('id="q1"')[1].split('id="q2"')[0]
    assert "Right answer:" in first and "987" in first
    assert 'name="q1present"' not in first and "disabled" in first
    assert "987" not in page.split('id="q2"')[1].split("</form>")[0].replace("q1", "")


def test_a_practice_session_is_titled_by_its_mode(client, db, login_as):
    member = login_as(UserFactory())
    bank = make_bank(types=("true_false", "single_choice"))
    session = attempts.start_session(member, [q.id for q in bank], mode=Mode.PRACTICE)
    db.session.commit()
    page = client.get(f"/attempts/{session.id}", headers=EN).get_data(as_text=True)
    assert "<h1>Practice</h1>" in page
    assert 'data-testid="timer"' not in page
    assert page.count('data-testid="check"') == 2


ZH_TYPE_LABELS = ["单选题", "多选题", "判断题", "填空题", "数值题", "匹配题", "简答题"]


def test_every_question_says_its_type_and_multiple_choice_says_select_all(client, db, login_as):
    """On the attempt page and on the review, in a quiz and in a practice session."""
    member = login_as(UserFactory(language="zh_Hans"))
    attempt = _started(member, review_answers="after_attempt")
    page = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    labels = re.findall(r'data-testid="question-type">([^<]+)<', page)
    assert labels == ZH_TYPE_LABELS
    assert page.count('data-testid="select-all">可多选<') == 1
    member.language = "en"
    _db.session.commit()
    english = client.get(f"/attempts/{attempt.id}").get_data(as_text=True)
    assert "Select all that apply" in english and ">Multiple choice<" in english
    member.language = "zh_Hans"

    attempts.submit(attempt)
    session = attempts.start_session(
        member, [q.id for q in make_bank("Practice bank")], mode=Mode.PRACTICE
    )
    _db.session.commit()
    review = client.get(f"/attempts/{attempt.id}/review").get_data(as_text=True)
    assert re.findall(r'data-testid="question-type">([^<]+)<', review) == ZH_TYPE_LABELS
    practice = client.get(f"/attempts/{session.id}").get_data(as_text=True)
    assert re.findall(r'data-testid="question-type">([^<]+)<', practice) == ZH_TYPE_LABELS

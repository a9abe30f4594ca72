"""The practice, daily quiz and notebook pages, and the admin's settings page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from lms.core.settings import get_setting
from question_bank.models import Question
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Attempt, Mode, WrongAnswer
from quizzes.services import answers, attempts, daily, practice
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}
TOKEN = re.compile(r'name="csrf-token" content="([^"]+)"')


def _statements(path: str, count: int) -> list[Question]:
    category = categories.ensure_path(path)
    return [
        questions.create_question(
            category,
            QuestionContent(
                type="true_false",
                stem_md=f"{path} statement {number}",
                definition={"correct": True},
                explanation_md=f"Explained **{number}**.",
            ),
        )
        for number in range(count)
    ]


def _attempt_count(db, mode: Mode) -> int:
    return db.session.scalar(select(func.count()).select_from(Attempt).where(Attempt.mode == mode))


def _text(response) -> str:
    return response.get_data(as_text=True)


def _token(client) -> str:
    """The page's CSRF token, for the posts a test makes by hand."""
    return TOKEN.search(_text(client.get("/practice"))).group(1)


def _practise(client, category_id: int, size: int, page: str | None = None):
    """Click a size button of a category on the practice page (or on ``page``, as it was)."""
    return submit_form(
        client,
        "/practice",
        form=f"practice-start-{category_id}",
        button=str(size),
        page=page,
        headers=EN,
    )


def test_admin_opens_categories_and_members_start_practice(
    client, db, admin, member, login_as, csrf_enabled
):
    _statements("Safety", 6)
    _statements("Safety/Fire", 4)
    _statements("Finance", 5)
    db.session.commit()
    safety, fire = categories.by_path("Safety"), categories.by_path("Safety/Fire")

    login_as(member)
    assert 'data-testid="no-practice"' in _text(client.get("/practice", headers=EN))
    assert client.get("/manage/practice").status_code == 403

    login_as(admin)
    page = _text(client.get("/manage/practice", headers=EN))
    assert "Categories members may practise" in page
    saved = submit_form(
        client,
        "/manage/practice",
        {"practice_categories": [safety.id], "daily_categories": [fire.id], "daily_count": 3},
        headers=EN,
        follow_redirects=True,
    )
    assert "settings saved" in _text(saved)
    assert get_setting(practice.CATEGORIES_SETTING) == [safety.id]
    assert daily.current_settings() == daily.DailySettings([fire.id], 3)

    login_as(member)
    page = _text(client.get("/practice", headers=EN))
    assert "10 questions" in page and "4 questions" in page and "Finance" not in page
    assert 'value="10"' in page and 'value="20"' not in page and "All 4 questions" in page
    started = _practise(client, safety.id, 10)
    assert started.status_code == 302
    attempt = db.session.scalar(select(Attempt).where(Attempt.mode == Mode.PRACTICE))
    assert started.headers["Location"].endswith(f"/attempts/{attempt.id}")
    assert len(attempt.items) == 10
    resume = _text(client.get("/practice", headers=EN))
    assert 'data-testid="unfinished"' in resume and f"/attempts/{attempt.id}" in resume
    attempts.submit(attempt)
    db.session.commit()
    assert 'data-testid="unfinished"' not in _text(client.get("/practice", headers=EN))


def test_practice_explains_bad_input(client, db, member, login_as, csrf_enabled):
    _statements("Small", 3)
    _statements("Closed", 8)
    small, closed_category = categories.by_path("Small"), categories.by_path("Closed")
    practice.set_practice_categories([small.id, closed_category.id])
    db.session.commit()
    login_as(member)
    page = _text(client.get("/practice", headers=EN))
    practice.set_practice_categories([small.id])  # closed while the member's page is open
    db.session.commit()

    closed = _practise(client, closed_category.id, 5, page=page)
    assert closed.status_code == 200
    assert "not open for practice" in _text(closed)
    token = _token(client)
    # By hand: a size the page does not offer for a category of 3, to prove the server's check.
    few = client.post(
        "/practice/start", data={"category": small.id, "size": 5, "csrf_token": token}, headers=EN
    )
    assert "has 3 questions: choose 3." in _text(few)
    assert 'data-testid="practice-errors"' in _text(few)
    # By hand: no category, and then a forged one, which no page sends.
    missing = client.post("/practice/start", data={"size": 5, "csrf_token": token}, headers=EN)
    assert "Choose a category to practise." in _text(missing)
    nonsense = client.post(
        "/practice/start", data={"category": "x", "size": "7", "csrf_token": token}, headers=EN
    )
    assert nonsense.status_code == 200
    assert _attempt_count(db, Mode.PRACTICE) == 0


def test_the_admin_form_refuses_a_bad_daily_count(client, db, admin, login_as, csrf_enabled):
    login_as(admin)
    # Below the field's min=1, which a browser checks first: this proves the server's own check.
    response = submit_form(client, "/manage/practice", {"daily_count": 0}, headers=EN)
    assert response.status_code == 200
    assert "field-errors" in _text(response)
    assert get_setting(daily.COUNT_SETTING) is None


def test_daily_page_from_start_to_result(client, db, member, login_as, clock, csrf_enabled):
    login_as(member)
    # By hand: the page offers no start before the daily quiz is set up.
    refused = client.post(
        "/daily/start", data={"csrf_token": _token(client)}, headers=EN, follow_redirects=True
    )
    assert "The daily quiz is not set up yet." in _text(refused)
    assert 'data-testid="start-daily"' not in _text(refused)

    _statements("Daily", 5)
    daily.save_settings([categories.by_path("Daily").id], 3)
    db.session.commit()
    page = _text(client.get("/daily", headers=EN))
    assert 'data-testid="start-daily"' in page
    started = submit_form(client, "/daily", form="/daily/start")
    session = db.session.scalar(select(Attempt).where(Attempt.mode == Mode.DAILY))
    assert started.headers["Location"].endswith(f"/attempts/{session.id}")
    again = submit_form(client, "/daily", form="/daily/start", page=page)  # a second tab
    assert again.headers["Location"] == started.headers["Location"]
    assert 'data-testid="continue-daily"' in _text(client.get("/daily", headers=EN))

    for number, item in enumerate(session.items):
        answers.save_answer(session, item.slot, number > 0, 1)
    attempts.submit(session)
    db.session.commit()
    page = _text(client.get("/daily", headers=EN))
    assert "2 of 3 correct, 2 points" in page
    assert 'data-testid="daily-streak">1<' in page
    assert _attempt_count(db, Mode.DAILY) == 1

    member.language = "zh_Hans"
    db.session.commit()
    end = _text(client.get(f"/attempts/{session.id}/review"))
    assert 'data-testid="daily-end-points">获得 2 积分<' in end
    assert 'data-testid="daily-end-streak">已连续 1 天<' in end
    assert 'href="/daily" role="button" data-testid="back-to-daily">返回每日答题<' in end
    assert 'href="/daily" data-testid="back">← 每日答题<' in end


def test_practice_settings_link_to_the_daily_points_rule(client, db, admin, login_as):
    login_as(admin)
    page = _text(client.get("/manage/practice", headers=EN))
    link = re.search(r'href="([^"]+)" data-testid="daily-points-rule"', page)
    assert link is not None and link.group(1) == "/admin/points#rule-daily_quiz_correct"
    assert 'id="rule-daily_quiz_correct"' in _text(client.get("/admin/points", headers=EN))


def test_notebook_lists_open_entries_filters_and_practises_them(
    client, db, member, login_as, csrf_enabled
):
    bank = _statements("Road", 2) + _statements("Home", 1)
    for question in bank:
        db.session.add(
            WrongAnswer(
                user_id=member.id,
                question_id=question.id,
                question_version_id=question.current_version_id,
                wrong_count=2,
            )
        )
    cleared = _statements("Done", 1)[0]
    db.session.add(
        WrongAnswer(
            user_id=member.id,
            question_id=cleared.id,
            question_version_id=cleared.current_version_id,
            cleared_at=db.func.now(),
        )
    )
    db.session.commit()
    login_as(member)

    page = _text(client.get("/notebook", headers=EN))
    assert page.count('data-testid="notebook-entry"') == 3
    assert "Road statement 1" in page and "wrong 2 times" in page
    assert "<strong>1</strong>" in page  # the explanation, rendered from Markdown
    assert 'data-testid="notebook-answer">True<' in page
    assert 'data-testid="notebook-cleared"' in page and "Done statement 0" in page

    road = categories.by_path("Road")
    filtered = _text(client.get(f"/notebook?category={road.id}", headers=EN))
    assert filtered.count('data-testid="notebook-entry"') == 2
    assert f'name="category" type="hidden" value="{road.id}"' in filtered
    unknown = _text(client.get("/notebook?category=99999", headers=EN))
    assert unknown.count('data-testid="notebook-entry"') == 3

    started = submit_form(client, f"/notebook?category={road.id}", form="/notebook/practise")
    session = db.session.scalar(select(Attempt).where(Attempt.mode == Mode.NOTEBOOK))
    assert started.headers["Location"].endswith(f"/attempts/{session.id}")
    assert {item.version.question_id for item in session.items} == {q.id for q in bank[:2]}


def test_an_empty_notebook_says_so_and_refuses_a_session(
    client, db, member, login_as, csrf_enabled
):
    login_as(member)
    page = _text(client.get("/notebook", headers=EN))
    assert 'data-testid="notebook-empty"' in page
    assert "/notebook/practise" not in page
    # By hand: an empty notebook offers no session, and the server refuses one too.
    refused = client.post(
        "/notebook/practise", data={"csrf_token": _token(client)}, headers=EN, follow_redirects=True
    )
    assert "nothing to practise" in _text(refused)


def test_the_notebook_page_does_not_query_per_entry(client, db, member, login_as, count_queries):
    def add(path: str, count: int) -> None:
        for question in _statements(path, count):
            db.session.add(
                WrongAnswer(
                    user_id=member.id,
                    question_id=question.id,
                    question_version_id=question.current_version_id,
                )
            )
        db.session.commit()

    login_as(member)
    add("First", 2)
    client.get("/notebook")  # the day's first request also records the daily login point
    db.session.expire_all()  # as after the commit below: the user is read again
    with count_queries() as few:
        client.get("/notebook")
    add("Second", 12)
    with count_queries() as many:
        assert _text(client.get("/notebook")).count('data-testid="notebook-entry"') == 14
    assert many.count == few.count


def test_posts_need_the_csrf_token(client, db, member, login_as, csrf_enabled):
    _statements("Daily", 3)
    daily.save_settings([categories.by_path("Daily").id], 3)
    db.session.commit()
    login_as(member)
    # By hand: a post without, then with, the token, as this test is about the token.
    assert client.post("/daily/start").status_code == 400
    assert _attempt_count(db, Mode.DAILY) == 0
    token = TOKEN.search(_text(client.get("/daily"))).group(1)
    assert client.post("/daily/start", data={"csrf_token": token}).status_code == 302
    assert _attempt_count(db, Mode.DAILY) == 1

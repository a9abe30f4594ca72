"""A far-future date never breaks a page (issue 15, E), and dates are bounded at input.

A competition ending 9999-12-31T23:00Z made /competitions, /quizzes and its edit page answer
500 for everyone (overflow converting to Asia/Shanghai), so it could not even be fixed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from competitions.models import Competition
from lms.core.clock import utcnow
from quizzes.models import Quiz
from tests.formfill import submit_form
from tests.quiz_factories import make_bank, make_quiz
from tests.web.competitions.test_manage_pages import _form
from tests.web.competitions.test_member_pages import make_competition

EN = {"Accept-Language": "en"}
FAR = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
EARLY = datetime(1, 1, 1, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("moment", [FAR, EARLY], ids=["9999", "year-1"])
def test_pages_show_a_stored_extreme_date(client, db, login_as, member, organizer, moment):
    competition = make_competition(utcnow(), title="Forever cup")
    quiz = make_quiz(make_bank(types=("true_false",)), title="Forever quiz")
    competition.ends_at = FAR  # stored before dates were bounded
    competition.registration_opens_at = moment
    quiz.closes_at = FAR
    quiz.opens_at = moment
    db.session.commit()
    login_as(member)
    for url in ("/competitions", "/quizzes", f"/competitions/{competition.id}", "/"):
        assert client.get(url, headers=EN).status_code == 200, url
    login_as(organizer)
    for url in (
        f"/manage/competitions/{competition.id}/edit",
        f"/manage/competitions/{competition.id}",
        "/manage/competitions/",
        f"/manage/quizzes/{quiz.id}/edit",
        "/manage/quizzes",
        f"/manage/quizzes/{quiz.id}",
    ):
        assert client.get(url, headers=EN).status_code == 200, url


def test_the_competition_form_refuses_dates_outside_2000_to_2100(client, db, login_as, organizer):
    quiz = make_quiz(make_bank(types=("true_false",)))
    db.session.commit()
    login_as(organizer)
    changes = _form([quiz.id], ends_at="9999-12-31T23:00")
    response = submit_form(client, "/manage/competitions/new", changes, headers=EN)
    assert response.status_code == 200
    assert "between the years 2000 and 2100" in response.get_data(as_text=True)
    assert db.session.query(Competition).count() == 0


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:00:00+00:00", "1999-12-31T15:00:00+00:00", "2101-01-01T00:00:00Z"]
)
def test_the_api_refuses_dates_outside_2000_to_2100(client, db, login_as, organizer, moment):
    login_as(organizer)
    bank = make_bank(types=("true_false",))
    quiz = make_quiz(bank)
    db.session.commit()
    quizzes_before = db.session.query(Quiz).count()
    body = {"title": "Far quiz", "closes_at": moment, "slots": [{"question_id": bank[0].id}]}
    refused = client.post("/api/v1/quizzes", json=body, headers=EN)
    assert refused.status_code == 422, refused.get_json()
    assert "2000" in refused.get_json()["error"]["message"]
    assert db.session.query(Quiz).count() == quizzes_before
    now = utcnow()
    body = {
        "title": "Far cup",
        "quiz_ids": [quiz.id],
        "registration_opens_at": now.isoformat(),
        "starts_at": (now + timedelta(hours=1)).isoformat(),
        "ends_at": moment,
    }
    refused = client.post("/api/v1/competitions", json=body, headers=EN)
    assert refused.status_code == 422, refused.get_json()
    assert db.session.query(Competition).count() == 0


def test_a_time_utc_cannot_hold_is_a_clear_400(client, db, login_as, organizer):
    login_as(organizer)
    bank = make_bank(types=("true_false",))
    db.session.commit()
    body = {
        "title": "Year one",
        "closes_at": "0001-01-01T00:00:00+01:00",
        "slots": [{"question_id": bank[0].id}],
    }
    refused = client.post("/api/v1/quizzes", json=body, headers=EN)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == (
        "“closes_at” must be an ISO 8601 time with an offset."
    )

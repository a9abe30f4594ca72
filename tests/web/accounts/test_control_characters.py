"""Invisible characters are refused in names and titles; exports write any stored text.

Issue 15, E: a display name ``张三\\x01`` made the results XLSX answer 500; NUL and
right-to-left overrides were accepted in names.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from competitions.services.authoring import CompetitionSettings, create_competition
from courses.services import authoring as course_authoring
from lms.accounts.models import User
from lms.accounts.services import org_units
from lms.core.clock import utcnow
from lms.core.errors import ValidationError
from question_bank.services import categories, questions
from quizzes.services.authoring import QuizSettings, create_quiz
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.quiz_factories import SAMPLE_QUESTIONS, make_bank, make_quiz
from tests.unit.competitions.test_results import finished_competition
from tests.web.quizzes.test_results_pages import _take

EN = {"Accept-Language": "en"}
BAD_NAMES = ["张三\x01", "a\x00b", "evil\u202egnp", "x\u2066y", "c\x9fd"]


@pytest.mark.parametrize("name", BAD_NAMES)
def test_the_profile_form_refuses_invisible_characters(client, db, member, login_as, name):
    login_as(member)
    response = submit_form(client, "/profile", {"display_name": name, "language": ""}, headers=EN)
    assert response.status_code == 200
    assert "invisible control or text-direction character" in response.get_data(as_text=True)
    assert db.session.get(User, member.id).display_name == member.display_name


def test_the_api_refuses_invisible_characters_and_accepts_a_real_name(client, db, member):
    token = client.post(
        "/api/v1/auth/token", json={"username": "member1", "password": PASSWORD}
    ).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}", **EN}
    refused = client.patch("/api/v1/me", json={"display_name": "张三\x01"}, headers=bearer)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "validation_error"
    saved = client.patch("/api/v1/me", json={"display_name": "李堃喆"}, headers=bearer)
    assert saved.status_code == 200
    assert saved.get_json()["display_name"] == "李堃喆"
    wrong = client.patch("/api/v1/me", json={"display_name": ["x"]}, headers=bearer)
    assert wrong.status_code == 400


def test_names_and_titles_everywhere_refuse_them(db):
    bad = "标题\x01"
    now = utcnow()
    quiz = make_quiz()
    course = course_authoring.create_course(title="Course")
    refusals = [
        lambda: org_units.create_unit(bad),
        lambda: course_authoring.create_course(title=bad),
        lambda: course_authoring.add_module(course, title=bad),
        lambda: categories.create_category(bad),
        lambda: create_quiz(QuizSettings(title=bad)),
        lambda: create_competition(
            CompetitionSettings(
                title="x\u202e",
                registration_opens_at=now,
                starts_at=now + timedelta(hours=1),
                ends_at=now + timedelta(hours=2),
            ),
            [quiz],
            created_by=None,
        ),
        lambda: questions.create_question(
            categories.ensure_path("Bank"), replace(SAMPLE_QUESTIONS[0][0], stem_md="问\x00题")
        ),
        lambda: questions.create_question(
            categories.ensure_path("Bank"), replace(SAMPLE_QUESTIONS[0][0], title=bad)
        ),
    ]
    for refusal in refusals:
        with pytest.raises(ValidationError):
            refusal()
    stem = replace(SAMPLE_QUESTIONS[0][0], stem_md="第一行\n\t第二行")
    assert questions.create_question(categories.ensure_path("Bank"), stem).id


def test_competition_results_export_a_stored_control_character(client, db, login_as, organizer):
    competition, users = finished_competition([("li", 9, 100, 10), ("wang", 7, 120, 10)])
    users["li"].display_name = "张三\x01"  # stored before names were checked
    users["li"].unit.name = "机关\x02党委"
    db.session.commit()
    login_as(organizer)
    response = client.get(f"/competitions/{competition.id}/results.xlsx")
    assert response.status_code == 200
    names = [row[1] for row in load_workbook(io.BytesIO(response.data)).active.iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert names[0] == "张三"
    assert client.get(f"/competitions/{competition.id}/results.csv").status_code == 200


def test_quiz_results_export_a_stored_control_character(client, db, login_as, organizer):
    quiz = make_quiz(make_bank(types=("true_false",)))
    quiz.title = "测验\x03"
    member = UserFactory(display_name="张三\x01", unit=OrgUnitFactory(name="单位\x1f"))
    _take(member, quiz, right=True)
    db.session.commit()
    login_as(organizer)
    assert client.get(f"/manage/quizzes/{quiz.id}/results.csv").status_code == 200
    response = client.get(f"/manage/quizzes/{quiz.id}/results.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.data)).active["A2"].value == "张三"

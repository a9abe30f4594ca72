"""The quizzes JSON API (DESIGN.md section 6) through the test client: the same rules as the
pages, errors as ``{"error": {"code", "message"}}``, and the server's clock at the edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from quizzes.models import Attempt, Quiz, State
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz, right_answer


def _quiz(db, types: tuple[str, ...] | None = ("true_false",), **settings: Any) -> Quiz:
    quiz = make_quiz(make_bank(types=types), **settings)
    db.session.commit()
    return quiz


def _error(response) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"])
    return body["error"]


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _start(client, quiz_id: int, **kwargs: Any) -> dict[str, Any]:
    response = client.post(f"/api/v1/quizzes/{quiz_id}/attempts", **kwargs)
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()


def _put(client, attempt_id: int, slot: int, answer: Any, sequence: int, **kwargs: Any):
    return client.put(
        f"/api/v1/attempts/{attempt_id}/answers/{slot}",
        json={"answer": answer, "sequence": sequence},
        **kwargs,
    )


# -- creating quizzes ------------------------------------------------------------------------


def test_an_organizer_creates_a_quiz_of_fixed_and_drawn_slots(client, db, organizer, login_as):
    bank = make_bank()
    OrgUnitFactory(name="Branch", parent=OrgUnitFactory(name="Org"))
    db.session.commit()
    login_as(organizer)
    response = client.post(
        "/api/v1/quizzes",
        json={
            "title": "Party history",
            "description": "Read **carefully**.",
            "time_limit_seconds": 900,
            "grace_seconds": 30,
            "opens_at": "2026-11-24T16:00:00+08:00",
            "closes_at": "2026-12-01T16:00:00+08:00",
            "max_attempts": None,
            "grading": "last",
            "feedback": "deferred",
            "review": "after_close",
            "review_marks": "after_attempt",
            "shuffle_questions": True,
            "shuffle_options": False,
            "pass_percent": 60,
            "units": ["Org/Branch"],
            "published": True,
            "slots": [
                {"question_id": bank[0].id, "mark": 3},
                {"category": "Quiz bank", "type": "true_false", "count": 1, "mark": 2.5},
            ],
        },
    )
    assert response.status_code == 201, response.get_json()
    quiz = response.get_json()
    assert quiz["title"] == "Party history"
    assert "<strong>carefully</strong>" in quiz["description_html"]
    assert quiz["opens_at"] == "2026-11-24T08:00:00+00:00"
    assert quiz["max_attempts"] is None and quiz["attempts_left"] is None
    assert quiz["review"] == {
        "marks": "after_attempt",
        "answers": "after_close",
        "explanations": "after_close",
    }
    assert quiz["units"] == ["Org/Branch"]
    assert quiz["published"] is True
    assert quiz["question_count"] == 2
    assert quiz["total_marks"] == 5.5
    assert quiz["slots"][0] == {"id": quiz["slots"][0]["id"], "question_id": bank[0].id, "mark": 3}
    assert quiz["slots"][1]["category"] == "Quiz bank"
    assert quiz["slots"][1]["type"] == "true_false"
    stored = db.session.get(Quiz, quiz["id"])
    assert stored.created_by_id == organizer.id
    assert stored.opens_at == datetime(2026, 11, 24, 8, tzinfo=UTC)


@pytest.mark.parametrize(
    ("slot", "words"),
    [
        ({"category": "Nowhere", "count": 1}, "Nowhere"),
        ({"category": "Quiz bank", "type": "true_false", "count": 5}, "Only 1"),
        ({"question_id": 999_999}, "999999"),
        ({"category": "Quiz bank", "type": "essay"}, "essay"),
        ({"mark": 1}, "category"),
    ],
)
def test_a_bad_slot_is_named_and_nothing_is_created(client, db, organizer, login_as, slot, words):
    bank = make_bank(types=("true_false", "single_choice"))
    db.session.commit()
    login_as(organizer)
    response = client.post(
        "/api/v1/quizzes",
        json={"title": "Broken", "slots": [{"question_id": bank[0].id, "mark": 1}, slot]},
        headers={"Accept-Language": "en"},  # the message's words are checked in English
    )
    assert response.status_code == 422
    error = _error(response)
    assert "2" in error["message"] and words in error["message"]
    assert _count(db, Quiz) == 0


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("not json", 400),
        ({"title": "", "slots": [{"question_id": 1}]}, 400),
        ({"title": "T"}, 400),
        ({"title": "T", "slots": "all"}, 400),
        ({"title": "T", "slots": ["one"]}, 422),
        ({"title": "T", "time_limit_seconds": "ten", "slots": [{"question_id": 1}]}, 400),
        ({"title": "T", "max_attempts": True, "slots": [{"question_id": 1}]}, 400),
        ({"title": "T", "opens_at": "tomorrow", "slots": [{"question_id": 1}]}, 400),
        ({"title": "T", "opens_at": "2026-11-24T08:00:00", "slots": [{"question_id": 1}]}, 400),
        ({"title": "T", "shuffle_options": "yes", "slots": [{"question_id": 1}]}, 400),
        ({"title": "T", "units": "Org", "slots": [{"question_id": 1}]}, 400),
        ({"title": "T", "units": ["No/Such"], "slots": [{"question_id": 1}]}, 422),
        ({"title": "T", "grading": "best", "slots": [{"question_id": 1}]}, 422),
        ({"title": "T", "review": "later", "slots": [{"question_id": 1}]}, 422),
        ({"title": "T", "time_limit_seconds": 0, "slots": [{"question_id": 1}]}, 422),
        ({"title": "T", "slots": [{"question_id": 1, "mark": "two"}]}, 422),
        ({"title": "T", "slots": [{"category": "Quiz bank", "count": "3"}]}, 422),
    ],
)
def test_bad_quiz_bodies_are_refused_with_json_errors(
    client, db, organizer, login_as, body, status
):
    make_bank(types=("true_false",))
    db.session.commit()
    login_as(organizer)
    if isinstance(body, str):
        response = client.post("/api/v1/quizzes", data=body, content_type="application/json")
    else:
        response = client.post("/api/v1/quizzes", json=body)
    assert response.status_code == status, response.get_json()
    _error(response)
    assert _count(db, Quiz) == 0


def test_a_member_may_not_create_a_quiz(client, db, member, login_as):
    bank = make_bank(types=("true_false",))
    db.session.commit()
    login_as(member)
    response = client.post(
        "/api/v1/quizzes", json={"title": "Mine", "slots": [{"question_id": bank[0].id}]}
    )
    assert response.status_code == 403
    assert _error(response)["code"] == "forbidden"
    assert _count(db, Quiz) == 0


def test_quiz_endpoints_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    expected = {
        "/api/v1/quizzes": {"get", "post"},
        "/api/v1/quizzes/{quiz_id}": {"get"},
        "/api/v1/quizzes/{quiz_id}/attempts": {"post"},
        "/api/v1/attempts/{attempt_id}": {"get"},
        "/api/v1/attempts/{attempt_id}/answers/{slot}": {"put"},
        "/api/v1/attempts/{attempt_id}/flags/{slot}": {"put"},
        "/api/v1/attempts/{attempt_id}/check/{slot}": {"post"},
        "/api/v1/attempts/{attempt_id}/submit": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["tags"] == ["quizzes"]


# -- reading quizzes -------------------------------------------------------------------------


def test_a_member_sees_settings_and_attempts_but_no_slots(client, db, member, login_as):
    quiz = _quiz(db, types=None, max_attempts=2)
    login_as(member)
    body = client.get(f"/api/v1/quizzes/{quiz.id}").get_json()
    assert body["open"] is True and body["closed"] is False
    assert body["attempts_used"] == 0 and body["attempts_left"] == 2
    assert body["attempts"] == []
    assert "slots" not in body and "description" not in body
    started = _start(client, quiz.id)
    body = client.get(f"/api/v1/quizzes/{quiz.id}").get_json()
    assert body["attempts_used"] == 1 and body["attempts_left"] == 1
    assert body["in_progress_attempt_id"] == started["id"]
    assert body["attempts"][0]["state"] == "in_progress"


def test_managers_see_the_slots_and_unpublished_quizzes(client, db, organizer, login_as):
    quiz = _quiz(db, published=False)
    login_as(organizer)
    body = client.get(f"/api/v1/quizzes/{quiz.id}").get_json()
    assert body["published"] is False
    assert [slot["question_id"] for slot in body["slots"]] == [quiz.slots[0].question_id]


def test_quizzes_a_member_may_not_take_are_404(client, db, member, login_as):
    hidden = _quiz(db, published=False)
    elsewhere = _quiz(db, units=[OrgUnitFactory(name="Other")])
    db.session.commit()
    login_as(member)
    for quiz in (hidden, elsewhere):
        assert client.get(f"/api/v1/quizzes/{quiz.id}").status_code == 404
        response = client.post(f"/api/v1/quizzes/{quiz.id}/attempts")
        assert response.status_code == 404
        assert _error(response)["code"] == "not_found"
    assert client.get("/api/v1/quizzes/999999").status_code == 404


def test_the_list_holds_the_quizzes_a_member_may_take_paged(
    client, db, member, login_as, count_queries
):
    mine = [_quiz(db, title=f"Quiz {n}") for n in range(3)]
    _quiz(db, title="Draft", published=False)
    _quiz(db, title="Elsewhere", units=[OrgUnitFactory(name="Other")])
    db.session.commit()
    login_as(member)
    _start(client, mine[0].id)
    with count_queries() as counter:
        body = client.get("/api/v1/quizzes?per_page=2").get_json()
    assert body["total"] == 3
    assert [item["title"] for item in body["items"]] == ["Quiz 2", "Quiz 1"]
    assert counter.count < 12  # no query per quiz
    last = client.get("/api/v1/quizzes?per_page=2&page=2").get_json()
    assert [item["title"] for item in last["items"]] == ["Quiz 0"]
    assert last["items"][0]["attempts_used"] == 1


# -- attempts --------------------------------------------------------------------------------


def test_start_then_resume_gives_the_same_attempt(client, db, member, login_as):
    quiz = _quiz(db, types=None, time_limit_seconds=600)
    login_as(member)
    first = client.post(f"/api/v1/quizzes/{quiz.id}/attempts")
    assert first.status_code == 201
    body = first.get_json()
    assert body["state"] == "in_progress"
    assert datetime.fromisoformat(body["deadline"]).utcoffset() == timedelta(0)
    assert {item["type"] for item in body["items"]} >= {"single_choice", "matching"}
    choice = next(item for item in body["items"] if item["type"] == "single_choice")
    assert {"id", "text_html"} == set(choice["options"][0])
    again = client.post(f"/api/v1/quizzes/{quiz.id}/attempts")
    assert again.status_code == 200
    assert again.get_json()["id"] == body["id"]
    assert again.get_json()["deadline"] == body["deadline"]


def test_the_attempt_limit_and_a_closed_quiz_answer_409(client, db, member, login_as, clock):
    quiz = _quiz(db, max_attempts=1, closes_at=clock.now + timedelta(hours=1))
    login_as(member)
    attempt = _start(client, quiz.id)
    client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    refused = client.post(f"/api/v1/quizzes/{quiz.id}/attempts")
    assert refused.status_code == 409
    assert _error(refused)["code"] == "no_attempts"

    other = _quiz(db, closes_at=clock.now + timedelta(hours=1))
    clock.advance(hours=2)
    closed = client.post(f"/api/v1/quizzes/{other.id}/attempts")
    assert closed.status_code == 409
    assert _error(closed)["code"] == "quiz_closed"
    assert client.get(f"/api/v1/quizzes/{other.id}").get_json()["open"] is False


def test_saving_answers_is_sequenced_and_idempotent(client, db, member, login_as):
    quiz = _quiz(db, types=None)
    login_as(member)
    attempt = _start(client, quiz.id)
    choice = next(item for item in attempt["items"] if item["type"] == "single_choice")
    right, wrong = (
        right_answer(choice),
        next(o["id"] for o in choice["options"] if o["id"] != right_answer(choice)),
    )
    saved = _put(client, attempt["id"], choice["slot"], right, 3)
    assert saved.status_code == 200
    body = saved.get_json()
    assert body["sequence"] == 3 and body["stale"] is False and body["answer"] == right
    assert datetime.fromisoformat(body["saved_at"]).utcoffset() == timedelta(0)
    assert _put(client, attempt["id"], choice["slot"], right, 3).get_json()["stale"] is False
    stale = _put(client, attempt["id"], choice["slot"], wrong, 2).get_json()
    assert stale == {**body, "stale": True}
    view = client.get(f"/api/v1/attempts/{attempt['id']}").get_json()
    assert next(i for i in view["items"] if i["slot"] == choice["slot"])["answer"] == right
    cleared = _put(client, attempt["id"], choice["slot"], None, 4).get_json()
    assert cleared["answer"] is None and cleared["sequence"] == 4


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("[]", 400),
        ('{"answer": true}', 400),
        ('{"sequence": 1}', 400),
        ('{"answer": true, "sequence": "1"}', 400),
        ('{"answer": true, "sequence": 0}', 400),
        ('{"answer": true, "sequence": true}', 400),
        ('{"answer": "yes", "sequence": 1}', 422),
        ('{"answer": [true], "sequence": 1}', 422),
    ],
)
def test_bad_saves_are_refused(client, db, member, login_as, body, status):
    quiz = _quiz(db)
    login_as(member)
    attempt = _start(client, quiz.id)
    response = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/1", data=body, content_type="application/json"
    )
    assert response.status_code == status
    _error(response)
    assert client.get(f"/api/v1/attempts/{attempt['id']}").get_json()["items"][0]["answer"] is None


def test_a_slot_outside_the_attempt_is_404(client, db, member, login_as):
    quiz = _quiz(db)
    login_as(member)
    attempt = _start(client, quiz.id)
    assert _put(client, attempt["id"], 7, True, 1).status_code == 404
    response = client.put(f"/api/v1/attempts/{attempt['id']}/flags/7", json={"flagged": True})
    assert response.status_code == 404


def test_another_members_attempt_is_404_everywhere(client, db, member, organizer, login_as):
    quiz = _quiz(db, feedback="immediate")
    owner = UserFactory(username="owner")
    db.session.commit()
    login_as(owner)
    attempt = _start(client, quiz.id)["id"]
    login_as(member)
    calls = [
        client.get(f"/api/v1/attempts/{attempt}"),
        _put(client, attempt, 1, True, 1),
        client.put(f"/api/v1/attempts/{attempt}/flags/1", json={"flagged": True}),
        client.post(f"/api/v1/attempts/{attempt}/check/1"),
        client.post(f"/api/v1/attempts/{attempt}/submit"),
        client.get("/api/v1/attempts/999999"),
    ]
    for response in calls:
        assert response.status_code == 404
        assert _error(response)["code"] == "not_found"
    login_as(organizer)  # a manager may look at it, never answer for the member
    assert client.get(f"/api/v1/attempts/{attempt}").status_code == 200
    assert _put(client, attempt, 1, True, 1).status_code == 404
    assert client.post(f"/api/v1/attempts/{attempt}/submit").status_code == 404
    assert db.session.get(Attempt, attempt).state == State.IN_PROGRESS


def test_submit_shows_marks_as_review_allows_and_a_double_submit_scores_once(
    client, db, member, login_as
):
    quiz = _quiz(db, review_marks="after_attempt", review_answers="never")
    login_as(member)
    attempt = _start(client, quiz.id)
    _put(client, attempt["id"], 1, True, 1)
    first = client.post(f"/api/v1/attempts/{attempt['id']}/submit")
    assert first.status_code == 200
    body = first.get_json()
    assert body["state"] == "finished" and body["finished_by"] == "member"
    assert body["score"] == 2.0 and body["max_score"] == 2.0
    assert "correct_answer" not in body["items"][0]
    second = client.post(f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert second["submitted_at"] == body["submitted_at"] and second["score"] == 2.0
    closed = _put(client, attempt["id"], 1, False, 2)
    assert closed.status_code == 409
    assert _error(closed)["code"] == "attempt_closed"
    summary = client.get(f"/api/v1/quizzes/{quiz.id}").get_json()["attempts"][0]
    assert summary["score"] == 2.0 and summary["state"] == "finished"


def test_marks_stay_hidden_until_review_allows(client, db, member, login_as):
    quiz = _quiz(db, review_marks="never", review_answers="never", review_explanations="never")
    login_as(member)
    attempt = _start(client, quiz.id)
    body = client.post(f"/api/v1/attempts/{attempt['id']}/submit").get_json()
    assert "score" not in body
    summary = client.get(f"/api/v1/quizzes/{quiz.id}").get_json()["attempts"][0]
    assert "score" not in summary


def test_flags_and_immediate_feedback(client, db, member, login_as):
    immediate = _quiz(db, feedback="immediate")
    login_as(member)
    attempt = _start(client, immediate.id)
    flagged = client.put(f"/api/v1/attempts/{attempt['id']}/flags/1", json={"flagged": True})
    assert flagged.get_json() == {"slot": 1, "flagged": True}
    assert client.get(f"/api/v1/attempts/{attempt['id']}").get_json()["items"][0]["flagged"]
    bad = client.put(f"/api/v1/attempts/{attempt['id']}/flags/1", json={"flagged": "yes"})
    assert bad.status_code == 400
    assert client.put(f"/api/v1/attempts/{attempt['id']}/flags/1", json={}).status_code == 400
    _put(client, attempt["id"], 1, True, 1)
    checked = client.post(f"/api/v1/attempts/{attempt['id']}/check/1")
    assert checked.status_code == 200
    item = checked.get_json()
    assert item["checked"] is True and item["correct"] is True and item["score"] == 2.0
    frozen = _put(client, attempt["id"], 1, False, 2)
    assert frozen.status_code == 409 and _error(frozen)["code"] == "checked"

    deferred = _quiz(db)
    other = _start(client, deferred.id)
    refused = client.post(f"/api/v1/attempts/{other['id']}/check/1")
    assert refused.status_code == 409 and _error(refused)["code"] == "deferred"


# -- a mobile client with a bearer token -----------------------------------------------------


def test_a_mobile_client_takes_a_quiz_with_a_bearer_token(client, db, csrf_enabled):
    UserFactory(username="phone")
    quiz = _quiz(db, types=None, time_limit_seconds=600, review_answers="after_attempt")
    issued = client.post("/api/v1/auth/token", json={"username": "phone", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    listed = client.get("/api/v1/quizzes", headers=headers).get_json()
    assert [item["id"] for item in listed["items"]] == [quiz.id]
    attempt = _start(client, quiz.id, headers=headers)  # no CSRF token needed
    for number, item in enumerate(attempt["items"], start=1):
        saved = _put(
            client, attempt["id"], item["slot"], right_answer(item), number, headers=headers
        )
        assert saved.status_code == 200, saved.get_json()
    done = client.post(f"/api/v1/attempts/{attempt['id']}/submit", headers=headers).get_json()
    assert done["state"] == "finished"
    assert done["score"] == pytest.approx(done["max_score"] - 2.0)  # short answer: by hand
    assert done["needs_grading"] is True
    again = client.get(f"/api/v1/attempts/{attempt['id']}", headers=headers).get_json()
    assert again["score"] == done["score"]
    assert client.get("/api/v1/quizzes").status_code == 401  # no token, no session


def test_a_session_call_without_the_csrf_token_is_refused(
    client, db, member, login_as, csrf_enabled
):
    quiz = _quiz(db)
    login_as(member)
    assert client.post(f"/api/v1/quizzes/{quiz.id}/attempts").status_code == 400
    assert _count(db, Attempt) == 0


# -- the server's clock at the edges ---------------------------------------------------------


def test_deadline_plus_grace_is_the_last_accepted_second(client, db, member, login_as, clock):
    quiz = _quiz(db, time_limit_seconds=600, grace_seconds=60, review_answers="never")
    login_as(member)
    attempt = _start(client, quiz.id)
    assert attempt["seconds_left"] == 600
    assert attempt["accepts_until"] == (clock.now + timedelta(seconds=660)).isoformat()
    clock.advance(seconds=659)
    assert _put(client, attempt["id"], 1, True, 1).status_code == 200
    clock.advance(seconds=2)
    late = _put(client, attempt["id"], 1, False, 2)
    assert late.status_code == 409
    assert _error(late)["code"] == "attempt_closed"
    db.session.expire_all()
    stored = db.session.get(Attempt, attempt["id"])
    assert stored.state == State.FINISHED and stored.finished_by == "timeout"
    assert stored.score == 2.0  # graded as it stood: the accepted answer
    view = client.get(f"/api/v1/attempts/{attempt['id']}").get_json()
    assert view["state"] == "finished" and view["items"][0]["answer"] is True
    assert view["submitted_at"] == attempt["deadline"]


def test_a_close_time_cuts_the_time_limit_short(client, db, member, login_as, clock):
    closes = clock.now + timedelta(minutes=10)
    quiz = _quiz(db, time_limit_seconds=3600, grace_seconds=30, closes_at=closes)
    login_as(member)
    attempt = _start(client, quiz.id)
    assert attempt["deadline"] == closes.isoformat()
    assert attempt["seconds_left"] == 600
    clock.advance(minutes=10, seconds=29)
    assert _put(client, attempt["id"], 1, True, 1).status_code == 200
    clock.advance(seconds=2)
    assert _put(client, attempt["id"], 1, False, 2).status_code == 409


def test_reading_an_abandoned_attempt_finalises_it(client, db, member, login_as, clock):
    quiz = _quiz(db, time_limit_seconds=60, grace_seconds=0)
    login_as(member)
    attempt = _start(client, quiz.id)
    _put(client, attempt["id"], 1, True, 1)
    clock.advance(seconds=61)
    view = client.get(f"/api/v1/attempts/{attempt['id']}").get_json()
    assert view["state"] == "finished" and view["finished_by"] == "timeout"
    summary = client.get(f"/api/v1/quizzes/{quiz.id}").get_json()
    assert summary["attempts"][0]["state"] == "finished"
    assert summary["in_progress_attempt_id"] is None
    db.session.expire_all()
    assert db.session.get(Attempt, attempt["id"]).score == 2.0


def test_a_quiz_joins_a_course_through_the_courses_api(client, db, organizer, login_as):
    from quizzes.services.authoring import quiz_of_item  # noqa: PLC0415
    from tests.courses_factories import make_course  # noqa: PLC0415

    course = make_course(modules=((5,),))
    course.editors.append(organizer)
    quiz = make_quiz(make_bank(types=("true_false",)))
    db.session.commit()
    login_as(organizer)
    url = f"/api/v1/modules/{course.modules[0].id}/items"
    unnamed = client.post(url, json={"kind": "quiz", "title": "Check"})
    assert unnamed.status_code == 422 and "quiz_id" in unnamed.get_json()["error"]["message"]
    missing = client.post(url, json={"kind": "quiz", "title": "Check", "quiz_id": 999999})
    assert missing.status_code == 422
    created = client.post(url, json={"kind": "quiz", "title": "Check", "quiz_id": quiz.id})
    assert created.status_code == 201
    assert quiz_of_item(created.get_json()["id"]).id == quiz.id
    again = client.post(url, json={"kind": "quiz", "title": "Check", "quiz_id": quiz.id})
    assert again.status_code == 409
    outline = client.get(f"/api/v1/courses/{course.id}").get_json()
    assert [i["kind"] for i in outline["modules"][0]["items"]] == ["lesson", "quiz"]

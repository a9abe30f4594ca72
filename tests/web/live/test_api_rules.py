"""The live API's refusals and roles: JSON errors for bad input, who may create and host,
guests by cookie, the big screen by token, PIN guessing rate-limited, ETags for polls."""

from __future__ import annotations

import pytest

from lms.accounts.services.org_units import ensure_unit_path
from tests.factories import UserFactory
from tests.quiz_factories import make_bank


def _error(response, status, code=None):
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["message"]
    if code:
        assert error["code"] == code
    return error


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 400, "bad_request"),
        ({"quiz_id": 1, "question_ids": [1]}, 400, "bad_request"),
        ({"question_ids": "1"}, 400, "bad_request"),
        ({"question_ids": [True]}, 400, "bad_request"),
        ({"quiz_id": 999_999}, 422, "validation_error"),
        ({"quiz_id": None, "question_ids": [999_999]}, 422, "validation_error"),
        ({"quiz_id": "QUIZ", "mode": "pairs"}, 400, "bad_request"),
        ({"quiz_id": "QUIZ", "scoring": 1}, 400, "bad_request"),
        ({"quiz_id": "QUIZ", "seconds_per_question": 2}, 422, "validation_error"),
        ({"quiz_id": "QUIZ", "seconds_per_question": 2**70}, 400, "bad_request"),
        ({"quiz_id": "QUIZ", "guests": "yes"}, 400, "bad_request"),
        ({"quiz_id": "QUIZ", "mode": "teams"}, 422, "validation_error"),
        ({"quiz_id": "QUIZ", "mode": "teams", "teams": ["A", "a"]}, 422, "validation_error"),
        ({"quiz_id": "QUIZ", "title": 5}, 400, "bad_request"),
        ({"quiz_id": "QUIZ", "unit": "No/Such"}, 422, "validation_error"),
    ],
)
def test_bad_bodies_get_json_errors(client, login_as, host, live_quiz, body, status, code):
    login_as(host)
    if body.get("quiz_id") == "QUIZ":
        body = {**body, "quiz_id": live_quiz.id}
    _error(client.post("/api/v1/live-sessions", json=body), status, code)


def test_question_types_a_phone_cannot_answer_are_refused(client, db, login_as, host):
    essay = make_bank("Essays", types=("short_answer",))[0]
    db.session.commit()
    login_as(host)
    response = client.post("/api/v1/live-sessions", json={"question_ids": [essay.id]})
    _error(response, 422, "unsupported_type")


def test_members_cannot_create_but_unit_leaders_can_for_their_unit(client, db, login_as, live_quiz):
    member = login_as(UserFactory())
    db.session.commit()
    _error(client.post("/api/v1/live-sessions", json={"quiz_id": live_quiz.id}), 403)
    leader = UserFactory()
    ensure_unit_path("Org/East").leader = leader
    ensure_unit_path("Org/West")
    db.session.commit()
    login_as(leader)
    body = {"quiz_id": live_quiz.id, "unit": "Org/West"}
    _error(client.post("/api/v1/live-sessions", json=body), 422)
    created = client.post("/api/v1/live-sessions", json={"quiz_id": live_quiz.id})
    assert created.status_code == 201
    login_as(member)
    joined = client.post("/api/v1/live-sessions/join", json={"pin": created.get_json()["pin"]})
    _error(joined, 403, "not_eligible")  # the member is not in Org/East


def test_only_the_host_runs_the_session(client, login_as, started):
    created = started()
    player = login_as(UserFactory())
    client.post("/api/v1/live-sessions/join", json={"pin": created["pin"]})
    _error(client.post(f"/api/v1/live-sessions/{created['id']}/next"), 403, "not_host")
    login_as(UserFactory(username="stranger"))
    _error(client.get(f"/api/v1/live-sessions/{created['id']}"), 404)
    _error(client.post(f"/api/v1/live-sessions/{created['id']}/next"), 404)
    assert player


def test_answers_and_host_steps_refuse_bad_input(client, login_as, host, started):
    created = started()
    sid = created["id"]
    _error(client.post(f"/api/v1/live-sessions/{sid}/pause"), 409, "wrong_state")
    _error(client.post(f"/api/v1/live-sessions/{sid}/extend", json={"seconds": "x"}), 409)
    login_as(UserFactory())
    _error(client.post(f"/api/v1/live-sessions/{sid}/answers", json={"index": 0}), 404)
    client.post("/api/v1/live-sessions/join", json={"pin": created["pin"]})
    answers = f"/api/v1/live-sessions/{sid}/answers"
    _error(client.post(answers, json={"index": 0, "answer": "x"}), 409, "closed")
    login_as(host)
    client.post(f"/api/v1/live-sessions/{sid}/next")
    _error(client.post(f"/api/v1/live-sessions/{sid}/extend", json={"seconds": 0}), 422)
    login_as(UserFactory(username="late"))
    client.post("/api/v1/live-sessions/join", json={"pin": created["pin"]})
    _error(client.post(answers, json={"index": 0, "answer": "no-such-id"}), 422)
    _error(client.post(answers, json={"index": "0", "answer": "x"}), 422)
    _error(client.post(answers, json=[1]), 400)
    _error(client.post(answers, data="{", content_type="application/json"), 400)
    _error(client.post(f"/api/v1/live-sessions/{sid}/buzz", json={"index": 0}), 409, "not_buzzer")
    _error(client.post(f"/api/v1/live-sessions/{sid}/buzz", json={"index": 99}), 422)


def test_guests_join_with_a_nickname_and_come_back_by_cookie(app, client, started):
    created = started(guests=True)
    phone = app.test_client()
    _error(phone.post("/api/v1/live-sessions/join", json={"pin": created["pin"]}), 422)
    joined = phone.post(
        "/api/v1/live-sessions/join", json={"pin": created["pin"], "nickname": "Visitor"}
    )
    player = joined.get_json()["player"]
    assert joined.status_code == 200 and player["name"] == "Visitor"
    assert "HttpOnly" in joined.headers["Set-Cookie"]
    again = phone.post("/api/v1/live-sessions/join", json={"pin": created["pin"]})
    assert again.get_json()["player"]["id"] == player["id"]
    state = phone.get(f"/api/v1/live-sessions/{created['id']}").get_json()
    assert state["me"]["player_id"] == player["id"]
    other = app.test_client()
    taken = other.post(
        "/api/v1/live-sessions/join", json={"pin": created["pin"], "nickname": "Visitor"}
    )
    _error(taken, 422, "nickname_taken")
    _error(other.get(f"/api/v1/live-sessions/{created['id']}"), 404)


def test_guests_are_refused_unless_the_session_takes_them(app, started):
    created = started()
    phone = app.test_client()
    refused = phone.post(
        "/api/v1/live-sessions/join", json={"pin": created["pin"], "nickname": "X"}
    )
    _error(refused, 403, "guests_off")


def test_the_big_screen_watches_by_its_token_and_polls_with_etags(app, started):
    created = started()
    screen = app.test_client()
    url = f"/api/v1/live-sessions/{created['id']}"
    _error(screen.get(f"{url}?token=wrong"), 404)
    first = screen.get(f"{url}?token={created['screen_token']}")
    assert first.status_code == 200 and "me" not in first.get_json()
    again = screen.get(
        f"{url}?token={created['screen_token']}", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_guessing_pins_is_rate_limited_per_account(client, login_as, started):
    created = started()
    login_as(UserFactory())
    wrong = "000000" if created["pin"] != "000000" else "111111"
    for _try in range(10):
        _error(client.post("/api/v1/live-sessions/join", json={"pin": wrong}), 404, "unknown_pin")
    _error(client.post("/api/v1/live-sessions/join", json={"pin": wrong}), 429, "rate_limited")


def test_right_pins_do_not_count_toward_the_limit(client, login_as, started):
    created = started()
    login_as(UserFactory())
    for _try in range(15):
        assert (
            client.post("/api/v1/live-sessions/join", json={"pin": created["pin"]}).status_code
            == 200
        )

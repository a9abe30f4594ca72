"""Bad input to the JSON API answers 4xx with the JSON error body, never a 500 (issue 15 D)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from lms.accounts.models import User
from tests.factories import PASSWORD
from tests.quiz_factories import make_bank, make_quiz

SURROGATE = '"\\ud800"'  # a lone UTF-16 surrogate, as JSON text
DEEP = "[" * 5000 + "]" * 5000


def _bearer(client: FlaskClient, user: User) -> dict[str, str]:
    issued = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": PASSWORD}
    )
    return {"Authorization": f"Bearer {issued.get_json()['token']}"}


def _send(client: FlaskClient, method: str, url: str, raw: str | bytes, headers: Any) -> Any:
    body = raw if isinstance(raw, bytes) else raw.encode()
    return client.open(
        url, method=method, data=body, headers=headers, content_type="application/json"
    )


def _assert_json_4xx(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    assert set(response.get_json()["error"]) >= {"code", "message"}


@pytest.fixture
def as_admin(client: FlaskClient, admin: User) -> dict[str, str]:
    return _bearer(client, admin)


@pytest.mark.parametrize(
    ("url", "raw"),
    [
        ("/api/v1/courses", '{"title": ' + SURROGATE + "}"),
        ("/api/v1/courses", '{"title": "ok", "summary": ' + SURROGATE + "}"),
        ("/api/v1/courses", '{"title": "ok", "tags": [' + SURROGATE + "]}"),
        ("/api/v1/courses", '{"title": "ok", ' + SURROGATE + ": 1}"),
        ("/api/v1/courses", '{"title": "ok", "units": ["\\udfff"]}'),
        ("/api/v1/auth/token", '{"username": ' + SURROGATE + ', "password": "x"}'),
        ("/api/v1/quizzes", '{"title": "q", "slots": [{"question_id": 123456789012345678901234}]}'),
        ("/api/v1/quizzes", '{"title": "q", "grace_seconds": 18446744073709551616, "slots": []}'),
        ("/api/v1/quizzes", '{"title": "q", "slots": [{"question_id": 1e999}]}'),
        ("/api/v1/quizzes", '{"title": "q", "pass_percent": NaN, "slots": [{"question_id": 1}]}'),
        ("/api/v1/courses", DEEP),
        ("/api/v1/courses", '{"title": "ok", "summary": ' + DEEP + "}"),
        ("/api/v1/courses", '{"title": "ok", "tags": ' + "[" * 100 + "]" * 100 + "}"),
        ("/api/v1/courses", b'{"title": "\xff"}'),
    ],
)
def test_bad_bodies_answer_4xx_json(client, as_admin, url, raw):
    _assert_json_4xx(_send(client, "POST", url, raw, as_admin))
    assert client.get("/api/v1/me", headers=as_admin).status_code == 200  # the session recovered


def test_a_deep_body_to_a_page_json_endpoint_is_refused(client, member, login_as):
    login_as(member)
    response = client.post("/lessons/1/video-progress", data=DEEP, content_type="application/json")
    assert response.status_code == 400


# A list or an object where a scalar belongs, and the other way round, per question type.
WRONG_SHAPES = {
    "single_choice": [["a"], {"a": 1}, 1, True],
    "multiple_choice": [[["a"]], [{"a": 1}], "a", {"a": "b"}],
    "true_false": [["x"], {"a": 1}, "true", 1],
    "fill_blank": [[["x"]], "x", {"1": "x"}],
    "numerical": [[1], {"v": 1}, True],
    "matching": [{"x": ["y"]}, {"x": {"y": 1}}, ["x"], "x"],
    "short_answer": [["x"], {"x": 1}, 1],
}


def _keyed(wrong: Any, tokens: list[str]) -> Any:
    """An object keyed by a real token, so that only its value is wrong."""
    if isinstance(wrong, dict) and tokens:
        return {tokens[0]: next(iter(wrong.values()))}
    return wrong


def test_answers_of_the_wrong_shape_are_422(client, db, member):
    quiz = make_quiz(make_bank())
    db.session.commit()
    headers = _bearer(client, member)
    attempt = client.post(f"/api/v1/quizzes/{quiz.id}/attempts", headers=headers).get_json()
    sequence = 0
    for item in attempt["items"]:
        tokens = [o["id"] for o in item.get("options") or item.get("left") or []]
        for wrong in WRONG_SHAPES[item["type"]]:
            shape = _keyed(wrong, tokens)
            sequence += 1
            response = client.put(
                f"/api/v1/attempts/{attempt['id']}/answers/{item['slot']}",
                json={"answer": shape, "sequence": sequence},
                headers=headers,
            )
            assert response.status_code == 422, (item["type"], shape, response.data[:200])
            assert response.get_json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize(
    ("kind", "definition"),
    [
        ("single_choice", {"options": [{"text": "A"}, {"text": "B"}], "correct": ["a"]}),
        ("single_choice", {"options": [{"text": "A"}, {"text": "B"}], "correct": {"a": 1}}),
        ("multiple_choice", {"options": [{"text": "A"}, {"text": "B"}], "correct": [["a"]]}),
        ("multiple_choice", {"options": [{"text": "A"}, {"text": "B"}], "correct": [{"a": 1}]}),
    ],
)
def test_question_definitions_of_the_wrong_shape_are_422(client, as_admin, kind, definition):
    response = client.post(
        "/api/v1/questions",
        json={"type": kind, "category": "Bank", "stem": "Which?", "definition": definition},
        headers=as_admin,
    )
    assert response.status_code == 422, response.data[:300]


@pytest.mark.parametrize("url", ["/api/v1/questions", "/api/v1/courses", "/api/v1/points/me"])
def test_a_page_past_the_last_possible_is_a_400(client, as_admin, url):
    response = client.get(f"{url}?page=99999999999999999999", headers=as_admin)
    _assert_json_4xx(response)
    assert "page" in response.get_json()["error"]["message"]

"""The OpenAPI document (/api/v1/openapi.json) describes every endpoint with request and
response schemas that keep the names of DESIGN.md section 6, so clients and the property-based
tests (tests/api) have something to generate from."""

from __future__ import annotations

from typing import Any

import pytest

API = "/api/v1"

# DESIGN.md section 6: request fields per operation.
REQUEST_FIELDS = {
    ("post", "/auth/token"): {"username", "password"},
    ("post", "/courses"): {"title", "summary", "tags", "units", "required"},
    ("patch", "/courses/{course_id}"): {"published", "title"},
    ("post", "/courses/{course_id}/modules"): {"title"},
    ("post", "/modules/{module_id}/items"): {"kind", "title", "body", "minutes"},
    ("post", "/questions"): {"type", "category", "stem", "definition"},
    ("post", "/quizzes"): {
        "title", "time_limit_seconds", "grace_seconds", "opens_at", "closes_at", "max_attempts",
        "grading", "feedback", "review", "shuffle_questions", "shuffle_options", "units", "slots",
    },
    ("put", "/attempts/{attempt_id}/answers/{slot}"): {"answer", "sequence"},
    ("post", "/competitions"): {
        "title", "quiz_ids", "units", "registration_opens_at", "starts_at", "ends_at",
        "unit_metric", "min_participants", "freeze_minutes",
    },
    ("post", "/live-sessions"): {
        "quiz_id", "question_ids", "title", "mode", "scoring", "seconds_per_question", "guests",
    },
    ("post", "/live-sessions/join"): {"pin"},
    ("post", "/live-sessions/{session_id}/answers"): {"index", "answer"},
    ("post", "/live-sessions/{session_id}/buzz"): {"index"},
}  # fmt: skip
# DESIGN.md section 6: response fields per operation (responses may carry more, never fewer).
RESPONSE_FIELDS = {
    ("get", "/me"): {"id", "username", "display_name", "role", "unit", "language"},
    ("post", "/auth/token"): {"token", "expires_at"},
    ("get", "/courses"): {"items", "total"},
    ("get", "/courses/{course_id}"): {"id", "title", "enrolled", "progress", "modules"},
    ("get", "/lessons/{item_id}"): {"id", "title", "body_html", "minutes", "completed"},
    ("get", "/questions"): {"items", "total"},
    ("post", "/quizzes/{quiz_id}/attempts"): {"id", "state", "deadline", "items"},
    ("get", "/attempts/{attempt_id}"): {"id", "state", "deadline", "score", "max_score", "items"},
    ("put", "/attempts/{attempt_id}/answers/{slot}"): {"saved_at"},
    ("get", "/competitions/{competition_id}/leaderboard"): {"frozen", "entries", "me"},
    ("post", "/live-sessions"): {"id", "pin", "state"},
    ("post", "/live-sessions/join"): {"session_id", "player"},
    ("get", "/live-sessions/{session_id}"): {
        "id", "state", "players", "question", "reveal", "me",
    },
    ("post", "/live-sessions/{session_id}/answers"): {"accepted", "received_at"},
    ("post", "/live-sessions/{session_id}/buzz"): {"order"},
    ("get", "/live-sessions/{session_id}/leaderboard"): {"entries"},
}  # fmt: skip
QUERY_PARAMETERS = {
    ("get", "/courses"): {"page", "per_page"},
    ("get", "/quizzes"): {"page", "per_page"},
    ("get", "/competitions"): {"page", "per_page"},
    ("get", "/questions"): {"page", "per_page", "category", "type", "tag"},
    ("get", "/competitions/{competition_id}/leaderboard"): {"scope", "limit", "around"},
    ("get", "/points/leaderboard"): {"period", "scope"},
    ("get", "/points/me"): {"page", "per_page"},
}
CREATED = {
    ("post", "/courses"), ("post", "/courses/{course_id}/modules"),
    ("post", "/modules/{module_id}/items"), ("post", "/questions"), ("post", "/quizzes"),
    ("post", "/quizzes/{quiz_id}/attempts"), ("post", "/competitions"), ("post", "/live-sessions"),
    ("post", "/announcements"),
}  # fmt: skip


@pytest.fixture
def document(client: Any) -> dict[str, Any]:
    return client.get(f"{API}/openapi.json").get_json()


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    return document["paths"][API + path][method]


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    reference = schema.get("$ref")
    return document["components"]["schemas"][reference.rsplit("/", 1)[1]] if reference else schema


def _untyped_objects(schema: Any, where: str) -> list[str]:
    """Places where a schema says only "an object", which gives a generator nothing to make."""
    if not isinstance(schema, dict):
        return []
    found = []
    if (
        schema.get("type") == "object"
        and not schema.get("properties")
        and "additionalProperties" not in schema
    ):
        found.append(where)
    for name, child in (schema.get("properties") or {}).items():
        found += _untyped_objects(child, f"{where}.{name}")
    return found + _untyped_objects(schema.get("items"), f"{where}[]")


@pytest.mark.parametrize(("method", "path"), sorted(REQUEST_FIELDS))
def test_request_schemas_keep_the_design_names(document, method, path):
    body = _operation(document, method, path)["requestBody"]["content"]["application/json"]
    assert REQUEST_FIELDS[(method, path)] <= set(body["schema"]["properties"])


@pytest.mark.parametrize(("method", "path"), sorted(RESPONSE_FIELDS))
def test_response_schemas_keep_the_design_names(document, method, path):
    responses = _operation(document, method, path)["responses"]
    success = next(code for code in responses if code.startswith("2"))
    schema = responses[success]["content"]["application/json"]["schema"]
    assert RESPONSE_FIELDS[(method, path)] <= set(schema["properties"])


@pytest.mark.parametrize(("method", "path"), sorted(QUERY_PARAMETERS))
def test_query_parameters_are_listed(document, method, path):
    parameters = _operation(document, method, path)["parameters"]
    listed = {p["name"] for p in parameters if p["in"] == "query"}
    assert QUERY_PARAMETERS[(method, path)] <= listed
    assert all("schema" in p for p in parameters)


def test_every_operation_has_typed_answers_and_the_error_body(document):
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"201"} if (method, path.removeprefix(API)) in CREATED else {"200"}
            assert expected <= set(responses), (method, path)
            for code, response in responses.items():
                schema = _resolve(document, response["content"]["application/json"]["schema"])
                assert not _untyped_objects(schema, f"{method} {path} {code}")
            error = _resolve(document, responses["4XX"]["content"]["application/json"]["schema"])
            assert error["required"] == ["error"]
            if method in {"post", "put", "patch"} and "requestBody" in operation:
                schema = operation["requestBody"]["content"]["application/json"]["schema"]
                assert not _untyped_objects(schema, f"{method} {path} request")


def test_a_token_request_documents_the_directory_being_down(document):
    responses = _operation(document, "post", "/auth/token")["responses"]
    assert "directory_unavailable" in responses["503"]["description"]
    error = _resolve(document, responses["503"]["content"]["application/json"]["schema"])
    assert error["required"] == ["error"]

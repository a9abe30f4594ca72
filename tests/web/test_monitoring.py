"""/healthz, /readyz, /metrics, request ids and the JSON access log."""

from __future__ import annotations

import json
import logging

import pytest

from lms.core import readiness

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def test_ready_when_database_redis_and_migrations_are(client, db):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "redis", "migrations"}
    assert all(check["ok"] for check in body["checks"].values())


def test_not_ready_while_the_schema_is_older_than_the_code(client, db, monkeypatch):
    monkeypatch.setattr(readiness, "_heads", lambda directory: frozenset({"9999_newer"}))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    check = answer.get_json()["checks"]["migrations"]
    assert check["ok"] is False
    assert "9999_newer" in check["detail"]


def test_not_ready_without_its_redis(app, client, db, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["redis"]["ok"] is False
    assert client.get("/healthz").status_code == 200  # alive, only not ready


def test_metrics_time_requests_by_endpoint(client, db):
    client.get("/healthz")
    client.get("/healthz")
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.mimetype == "text/plain"
    text = answer.get_data(as_text=True)
    assert 'lms_request_duration_seconds_count{endpoint="home.health",method="GET"}' in text
    assert 'lms_requests_total{endpoint="home.health",method="GET",status="200"}' in text
    assert "lms_attempts_in_progress 0.0" in text
    assert "lms_live_players 0.0" in text


def test_metrics_count_attempts_in_progress(client, db):
    from quizzes.services import attempts  # noqa: PLC0415
    from tests.factories import UserFactory  # noqa: PLC0415
    from tests.quiz_factories import make_quiz  # noqa: PLC0415

    attempts.start(UserFactory(), make_quiz())
    db.session.commit()
    assert "lms_attempts_in_progress 1.0" in client.get("/metrics").get_data(as_text=True)


def test_metrics_are_not_for_everyone(app, client, db, monkeypatch):
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_ALLOWED_NETWORKS", ("203.0.113.0/24",))
    assert client.get("/metrics", environ_base=OUTSIDE).status_code == 200
    assert client.get("/metrics").status_code == 404


def test_every_response_carries_a_request_id(client, db):
    made = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32
    assert client.get("/healthz").headers["X-Request-ID"] != made
    offered = "nginx-0123456789abcdef"
    assert (
        client.get("/healthz", headers={"X-Request-ID": offered}).headers["X-Request-ID"] == offered
    )
    hostile = client.get("/healthz", headers={"X-Request-ID": "<script>x</script>"})
    assert hostile.headers["X-Request-ID"] != "<script>x</script>"


@pytest.mark.parametrize("path", ["/no-such-page", "/api/v1/no-such-thing"])
def test_error_answers_show_the_request_id(client, db, path):
    answer = client.get(path, headers={"X-Request-ID": "report-me-12345"})
    assert answer.status_code == 404
    if path.startswith("/api/"):
        assert answer.get_json()["error"]["request_id"] == "report-me-12345"
    else:
        assert "report-me-12345" in answer.get_data(as_text=True)


def test_access_log_is_json_lines(app, client, db, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "ACCESS_LOG", True)
    with caplog.at_level(logging.INFO, logger="lms.access"):
        client.get("/healthz?x=1", headers={"X-Request-ID": "trace-abcdefgh"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "lms.access"]
    assert len(lines) == 1
    line = lines[0]
    assert line["request_id"] == "trace-abcdefgh"
    assert line["path"] == "/healthz"
    assert line["status"] == 200
    assert line["endpoint"] == "home.health"
    assert line["duration_ms"] >= 0

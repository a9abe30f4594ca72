"""The stage JSON API: the host's steps, a judge's mark, a risk value, an adjustment and undo,
with the scoring log for the host and judges only, and refusals as 4xx JSON errors."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.unit.live.stage_helpers import make_stage


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == code


def test_a_risk_question_through_the_api(client, db, login_as):
    s = make_stage(db, judge_count=1)
    base = f"/api/v1/live-sessions/{s.session.id}/stage"
    login_as(s.host)
    for _step in range(4):
        body = client.post(f"{base}/actions", json={"action": "next"}).get_json()
    assert body["question"]["kind"] == "risk" and body["question"]["team"] == "Red"
    _error(client.post(f"{base}/actions", json={"action": "dance"}), 422, "validation_error")

    login_as(s.blue_player.user)
    _error(client.post(f"{base}/risk", json={"value": 20}), 409, "not_your_turn")
    login_as(s.red_player.user)
    _error(client.post(f"{base}/risk", json={"value": "20"}), 422, "validation_error")
    assert client.post(f"{base}/risk", json={"value": 20}).get_json()["question"]["risk_value"]
    assert "log" not in client.get(base).get_json()  # players see no log

    login_as(s.head)
    _error(client.post(f"{base}/marks", json={"verdict": "maybe"}), 422, "validation_error")
    marked = client.post(f"{base}/marks", json={"verdict": "wrong"}).get_json()
    assert {r["name"]: r["score"] for r in marked["scores"]}["Red"] == -20
    assert marked["log"][0]["kind"] == "risk"

    login_as(s.host)
    undone = client.post(f"{base}/actions", json={"action": "undo"}).get_json()
    assert undone["log"][0]["undone_by"] == s.host.display_name
    _error(
        client.post(f"{base}/adjustments", json={"team_id": s.blue.id, "delta": 5, "reason": ""}),
        422,
        "validation_error",
    )
    adjusted = client.post(
        f"{base}/adjustments", json={"team_id": s.blue.id, "delta": 5, "reason": "Fair play"}
    ).get_json()
    assert {r["name"]: r["score"] for r in adjusted["scores"]} == {"Red": 0, "Blue": 5}


def test_people_without_a_part_get_refusals(client, db, login_as):
    s = make_stage(db)
    base = f"/api/v1/live-sessions/{s.session.id}/stage"
    login_as(UserFactory(username="stranger"))
    db.session.commit()
    _error(client.get(base), 404, "not_found")
    _error(client.post(f"{base}/actions", json={"action": "next"}), 403, "not_host")
    _error(client.post(f"{base}/marks", json={"verdict": "right"}), 403, "forbidden")
    _error(client.post(f"{base}/risk", json={"value": 10}), 404, "not_found")
    login_as(s.judge)
    _error(client.post(f"{base}/actions", json={"action": "undo"}), 403, "not_host")
    assert client.get(base).get_json()["log"] == []


def test_phone_answers_of_a_stage_session_follow_the_stage_rules(client, db, login_as):
    s = make_stage(db, judge_count=1)
    login_as(s.host)
    client.post(f"/api/v1/live-sessions/{s.session.id}/stage/actions", json={"action": "next"})
    url = f"/api/v1/live-sessions/{s.session.id}/answers"
    state = client.get(f"/api/v1/live-sessions/{s.session.id}/stage").get_json()
    choice = state["question"]["choices"][0]["id"]
    login_as(s.blue_player.user)  # question 1 is Red's
    _error(client.post(url, json={"index": 0, "answer": choice}), 409, "not_your_turn")
    login_as(s.red_player.user)
    _error(client.post(url, json={"index": 1, "answer": choice}), 409, "closed")
    assert client.post(url, json={"index": 0, "answer": choice}).status_code == 200
    _error(client.post(url, json={"index": 0, "answer": choice}), 409, "already_answered")

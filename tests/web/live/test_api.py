"""The live sessions API (issue 16 section 4): create, join by PIN, the host's steps, answers,
the reveal, the leaderboard; JSON errors for bad input."""

from __future__ import annotations

from tests.factories import UserFactory


def _as_member(client, login_as, name="m1"):
    return login_as(UserFactory(username=name))


def test_create_join_play_and_finish(client, db, login_as, started, host):
    created = started(title="Meeting", scoring="speed")
    assert created["state"] == "lobby" and len(created["pin"]) == 6
    sid = created["id"]
    member = _as_member(client, login_as)
    joined = client.post("/api/v1/live-sessions/join", json={"pin": created["pin"]})
    assert joined.status_code == 200
    body = joined.get_json()
    assert body["session_id"] == sid
    assert body["player"]["name"] == member.display_name and body["player"]["team"] is None
    again = client.post("/api/v1/live-sessions/join", json={"pin": created["pin"]}).get_json()
    assert again["player"]["id"] == body["player"]["id"]

    login_as(host)
    assert client.post(f"/api/v1/live-sessions/{sid}/next").get_json()["state"] == "question"

    login_as(member)
    state = client.get(f"/api/v1/live-sessions/{sid}").get_json()
    question = state["question"]
    assert state["state"] == "question" and question["index"] == 0
    assert "reveal" not in state and state["me"]["answered"] is False
    option = question["options"][0]["id"]
    if question["type"] == "multiple_choice":
        option = [option]
    answered = client.post(
        f"/api/v1/live-sessions/{sid}/answers", json={"index": 0, "answer": option}
    )
    assert answered.status_code == 200
    assert answered.get_json()["accepted"] is True and answered.get_json()["received_at"]
    twice = client.post(f"/api/v1/live-sessions/{sid}/answers", json={"index": 0, "answer": option})
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "already_answered"

    login_as(host)
    revealed = client.post(f"/api/v1/live-sessions/{sid}/next").get_json()
    assert revealed["state"] == "reveal"
    assert sum(revealed["reveal"]["counts"].values()) == 1
    assert revealed["reveal"]["correct"]
    assert client.post(f"/api/v1/live-sessions/{sid}/end").get_json()["state"] == "finished"
    board = client.get(f"/api/v1/live-sessions/{sid}/leaderboard").get_json()
    assert board["entries"][0]["name"] == member.display_name
    assert client.get(f"/live/{sid}/results.xlsx").status_code == 200
    report = client.get(f"/api/v1/live-sessions/{sid}/report").get_json()
    assert report["units"][0]["players"] == 1

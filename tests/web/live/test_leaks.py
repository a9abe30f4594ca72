"""Nothing reveals an answer before the question closes (issue 16 section 2): every live API
response and every published message, for the host, players (member and guest) and the big
screen, carries only opaque option ids, no correctness, no score that moved, until the reveal.
The pattern of the quiz engine's leak tests (tests/web/quizzes/test_answer_leaks.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from live.services import messages
from lms.core import push
from question_bank.services import categories, questions
from tests.factories import UserFactory
from tests.quiz_factories import make_bank, make_quiz
from tests.web.quizzes.test_answer_leaks import EXTRA_QUESTIONS, SAMPLE_IDS, SAMPLE_SECRETS, SECRET

LIVE_TYPES = ("single_choice", "multiple_choice", "true_false")
REVEALING = (
    "correct",
    "reveal",
    "results",
    "explanation",
    "feedback",
    "fraction",
    "points",
    "is_correct",
)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for child in value.values() for k in _keys(child)}
    if isinstance(value, list):
        return {k for child in value for k in _keys(child)}
    return set()


def _option_ids(body: dict[str, Any]) -> set[str]:
    return {o["id"] for o in (body.get("question") or {}).get("options", [])}


def _assert_reveals_nothing(what: str, body: Any) -> None:
    text = json.dumps(body, ensure_ascii=False)
    assert SECRET not in text, what
    for secret in SAMPLE_SECRETS:
        assert secret not in text, (what, secret)
    assert not _keys(body) & set(REVEALING), (what, _keys(body) & set(REVEALING))
    if isinstance(body, dict):
        assert not _option_ids(body) & (SAMPLE_IDS | {"true", "false"}), what
        assert body.get("state") not in ("reveal", "leaderboard"), what
        scores = [e.get("score") for e in body.get("leaderboard", [])]
        assert not any(scores), what


@pytest.fixture
def published(monkeypatch) -> list[dict[str, Any]]:
    """Every message the session publishes (as if a push tier were configured)."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(push, "enabled", lambda: True)
    monkeypatch.setattr(push, "publish", lambda channel, message: sent.append(message))
    monkeypatch.setattr(push, "publish_each", lambda items: sent.extend(m for _c, m in items))
    monkeypatch.setattr(
        push, "publish_coalesced", lambda key, build: sent.extend(m for _c, m in build())
    )
    monkeypatch.setattr(messages.push, "enabled", lambda: True)
    return sent


def test_no_live_response_reveals_an_answer_before_the_question_closes(
    client, db, login_as, published
):
    bank = make_bank(types=LIVE_TYPES)
    extra = categories.ensure_path("Live bank")
    bank += [
        questions.create_question(extra, content)
        for content in EXTRA_QUESTIONS
        if content.type in LIVE_TYPES
    ]
    quiz = make_quiz(bank)
    host = UserFactory(username="host", role="organizer")
    member = UserFactory(username="player")
    db.session.commit()
    seen: list[tuple[str, Any]] = []

    login_as(host)
    created = client.post(
        "/api/v1/live-sessions",
        json={"quiz_id": quiz.id, "scoring": "speed", "guests": True, "streak_bonus": True},
    )
    seen.append(("create", created.get_json()))
    sid, pin = created.get_json()["id"], created.get_json()["pin"]
    token = created.get_json()["screen_token"]
    screen = f"/api/v1/live-sessions/{sid}?token={token}"

    login_as(member)
    seen.append(("join", client.post("/api/v1/live-sessions/join", json={"pin": pin}).get_json()))
    guest = client.application.test_client()
    joined = guest.post("/api/v1/live-sessions/join", json={"pin": pin, "nickname": "Guest"})
    seen.append(("guest join", joined.get_json()))

    total = len(quiz.slots)
    for index in range(total):
        login_as(host)
        opened = client.post(f"/api/v1/live-sessions/{sid}/next")
        seen.append(("next", opened.get_json()))
        body = opened.get_json()
        options = [o["id"] for o in body["question"]["options"]]
        first = [options[0]] if body["question"]["type"] == "multiple_choice" else options[0]
        last = [options[-1]] if body["question"]["type"] == "multiple_choice" else options[-1]
        for action in ("pause", "resume"):
            seen.append((action, client.post(f"/api/v1/live-sessions/{sid}/{action}").get_json()))
        seen.append(("host get", client.get(f"/api/v1/live-sessions/{sid}").get_json()))
        login_as(member)
        answer = {"index": index, "answer": first}
        seen.append(
            ("answer", client.post(f"/api/v1/live-sessions/{sid}/answers", json=answer).get_json())
        )
        seen.append(
            ("again", client.post(f"/api/v1/live-sessions/{sid}/answers", json=answer).get_json())
        )
        seen.append(
            (
                "buzz",
                client.post(f"/api/v1/live-sessions/{sid}/buzz", json={"index": index}).get_json(),
            )
        )
        answer = {"index": index, "answer": last}
        seen.append(
            (
                "guest answer",
                guest.post(f"/api/v1/live-sessions/{sid}/answers", json=answer).get_json(),
            )
        )
        for who, viewer, url in (
            ("member", client, f"/api/v1/live-sessions/{sid}"),
            ("guest", guest, f"/api/v1/live-sessions/{sid}"),
            ("screen", client.application.test_client(), screen),
            ("board", client, f"/api/v1/live-sessions/{sid}/leaderboard"),
        ):
            seen.append((f"{who} get", viewer.get(url).get_json()))
        assert published, "a push tier gets the host's changes"
        seen.extend(("published", message) for message in published)
        published.clear()

        for what, body in seen:
            _assert_reveals_nothing(f"question {index}: {what}", body)
        seen.clear()

        login_as(host)
        revealed = client.post(f"/api/v1/live-sessions/{sid}/next").get_json()
        assert revealed["state"] == "reveal" and revealed["reveal"]["correct"]
        assert sum(revealed["reveal"]["counts"].values()) >= 1
        client.post(f"/api/v1/live-sessions/{sid}/next")  # the leaderboard
        published.clear()

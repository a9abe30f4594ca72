"""What a stage session publishes (as if a push tier were configured) and what the public and
the phones read: each change publishes the big screen's state once committed, and nothing
reveals the right answer before the host shows it."""

from __future__ import annotations

from typing import Any

import pytest

from live.services import stage, stage_scoring
from lms.core import push
from tests.formfill import submit_form
from tests.unit.live.stage_helpers import make_stage


@pytest.fixture
def published(monkeypatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(push, "enabled", lambda: True)
    monkeypatch.setattr(push, "publish", lambda channel, message: sent.append(message))
    return sent


def _no_answer(what: str, body: Any) -> None:
    question = body.get("question") if isinstance(body, dict) else None
    if question:
        assert question.get("answer") is None, what
        assert not {"correct", "is_correct"} & set(question), what


def test_changes_publish_the_screen_state_and_nothing_reveals_the_answer_early(
    client, db, login_as, published
):
    s = make_stage(db, judge_count=1)
    sid, token = s.session.id, s.session.screen_token
    host_url, team_url = f"/live/{sid}/stage", f"/live/{sid}/stage/team"
    seen: list[tuple[str, Any]] = []
    for _question in range(4):
        login_as(s.host)
        submit_form(client, host_url, form="/do/next")
        question = stage_scoring.current_question(s.session)
        if question.kind == "buzzer":
            submit_form(client, host_url, form="/do/open-buzzing")
            login_as(s.blue_player.user)
            submit_form(client, team_url, form="/buzz")
        if question.kind == "risk":
            login_as(s.red_player.user)
            submit_form(client, team_url, form="/risk", button="10")
        login_as(s.red_player.user)
        seen.append(("team state", client.get(f"/live/{sid}/stage/state.json").get_json()))
        page = client.get(team_url).get_data(as_text=True)
        assert 'data-testid="right-answer"' not in page
        seen.append(("screen", client.get(f"/live/stage/screen/{token}/state.json").get_json()))
        screen_page = client.get(f"/live/stage/screen/{token}").get_data(as_text=True)
        assert 'data-testid="right-answer"' not in screen_page
        login_as(s.head)
        submit_form(client, f"/live/{sid}/stage/judge", form="/mark", button="right")
    for what, body in seen + [("message", m) for m in published]:
        _no_answer(what, body)
    stage_messages = [m for m in published if "scores" in m]
    versions = [m["version"] for m in stage_messages]
    assert versions == sorted(versions) and len(set(versions)) == len(versions)
    assert stage_messages[-1]["scores"] == [
        {"rank": 1, "name": "Red", "score": 20, "team_id": s.red.id},  # 10 + risk 10
        {"rank": 1, "name": "Blue", "score": 20, "team_id": s.blue.id},  # 10 + buzzer 10
    ]

    stage.show_answer(s.session)
    assert published[-1]["question"]["answer"]

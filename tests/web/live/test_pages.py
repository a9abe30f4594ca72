"""The live pages through the test client: create, join (member, guest, QR link), play, host
console actions, the big screen and its ETags, results."""

from __future__ import annotations

from typing import Any

import pytest

from live.models import LivePlayer, LiveSession
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank, make_quiz

LIVE_TYPES = ("single_choice", "multiple_choice", "true_false")


@pytest.fixture
def quiz(db: Any) -> Any:
    made = make_quiz(make_bank(types=LIVE_TYPES), title="Live quiz one")
    db.session.commit()
    return made


def _create(client: Any, quiz: Any, **extra: Any) -> LiveSession:
    data = {
        "title": "Branch meeting",
        "source": "quiz",
        "quiz_id": quiz.id,
        "mode": "individual",
        "team_depth": 2,
        "scoring": "speed",
        "seconds_per_question": 20,
        **extra,
    }
    response = client.post("/live/sessions/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    session_id = int(response.headers["Location"].split("/")[-2])
    from lms.core.extensions import db  # noqa: PLC0415

    return db.session.get(LiveSession, session_id)


def test_organizer_creates_a_session_and_lands_on_the_host_console(
    client: Any, login_as: Any, organizer: Any, quiz: Any
) -> None:
    login_as(organizer)
    assert client.get("/live/sessions/new").status_code == 200
    session = _create(client, quiz)
    page = client.get(f"/live/sessions/{session.id}/host").get_data(as_text=True)
    assert session.pin in page
    assert "Branch meeting" in client.get("/live/sessions").get_data(as_text=True)


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"quiz_id": 0}, "quiz_id", "请选择一个测验。"),
        ({"seconds_per_question": 2}, "seconds_per_question", "600"),
        ({"mode": "teams", "team_depth": 0, "team_names": ""}, "team_names", "请填写队伍名称。"),
        ({"source": "bank", "category_id": 0}, "category_id", "请选择一个分类。"),
    ],
)
def test_create_form_shows_errors_next_to_fields(
    client: Any, login_as: Any, organizer: Any, quiz: Any, extra: Any, field: str, message: str
) -> None:
    login_as(organizer)
    data = {
        "source": "quiz", "quiz_id": quiz.id, "mode": "individual", "team_depth": 2,
        "scoring": "accuracy", "seconds_per_question": 20, **extra,
    }  # fmt: skip
    response = client.post("/live/sessions/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-errors"' in page
    assert message in page


def test_bank_source_picks_the_count_asked(
    client: Any, login_as: Any, organizer: Any, quiz: Any
) -> None:
    from question_bank.services import categories  # noqa: PLC0415

    login_as(organizer)
    category = categories.by_path("Quiz bank")
    session = _create(client, quiz, source="bank", category_id=category.id, count=2)
    assert len(session.questions) == 2
    too_many = {"source": "bank", "category_id": category.id, "count": 9}
    response = client.post(
        "/live/sessions/new",
        data={"mode": "individual", "scoring": "accuracy", "seconds_per_question": 20, **too_many},
    )
    assert 'id="count-errors"' in response.get_data(as_text=True)


def test_a_member_who_leads_nothing_may_not_create(client: Any, login_as: Any, member: Any) -> None:
    login_as(member)
    assert client.get("/live/sessions/new").status_code == 403


def test_member_joins_by_pin_plays_and_keeps_the_player_on_reload(
    client: Any, app: Any, login_as: Any, organizer: Any, quiz: Any, db: Any
) -> None:
    login_as(organizer)
    session = _create(client, quiz)
    player_user = UserFactory(username="player1")
    db.session.commit()
    other = app.test_client()
    with other.session_transaction() as cookie:
        cookie["_user_id"] = player_user.get_id()
    page = other.get(f"/live/join?pin={session.pin}").get_data(as_text=True)
    assert f'value="{session.pin}"' in page
    response = other.post("/live/join", data={"pin": f" {session.pin} "})
    assert response.headers["Location"].endswith(f"/live/{session.id}/play")
    assert other.post("/live/join", data={"pin": session.pin}).status_code == 302  # rejoin: same
    assert db.session.query(LivePlayer).count() == 1
    assert other.get(f"/live/{session.id}/play").status_code == 200

    assert client.post(f"/live/sessions/{session.id}/host/next").status_code == 200
    api = f"/api/v1/live-sessions/{session.id}"
    page = other.get(f"/live/{session.id}/play").get_data(as_text=True)
    assert f'data-state-url="{api}"' in page
    state = other.get(api).get_json()
    assert state["state"] == "question"
    assert "correct" not in str(state["question"])
    option = state["question"]["options"][0]["id"]
    index = state["question"]["index"]
    url = f"{api}/answers"
    answered = other.post(url, json={"index": index, "answer": option})
    assert answered.get_json()["accepted"] is True
    again = other.post(url, json={"index": index, "answer": option})
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_answered"
    assert other.get(api).get_json()["me"]["answered"] is True

    host = client.get(f"/live/sessions/{session.id}/host/state.json").get_json()
    assert host["host"]["correct"]
    assert client.post(f"/live/sessions/{session.id}/host/next").get_json()["state"] == "reveal"
    me = other.get(api).get_json()["me"]
    assert me["rank"] == 1
    assert "points" in me


def test_host_actions_refuse_in_the_wrong_state_with_a_json_error(
    client: Any, login_as: Any, organizer: Any, quiz: Any
) -> None:
    login_as(organizer)
    session = _create(client, quiz)
    response = client.post(f"/live/sessions/{session.id}/host/pause")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "wrong_state"
    assert client.post(f"/live/sessions/{session.id}/host/end").get_json()["state"] == "finished"
    assert client.get(f"/live/sessions/{session.id}/results").status_code == 200


def test_another_organizer_cannot_host(
    client: Any, login_as: Any, organizer: Any, quiz: Any, db: Any
) -> None:
    login_as(organizer)
    session = _create(client, quiz)
    login_as(UserFactory(username="other-org", role="organizer"))
    db.session.commit()
    assert client.get(f"/live/sessions/{session.id}/host").status_code == 403
    assert client.post(f"/live/sessions/{session.id}/host/next").status_code == 403


def test_guest_joins_with_a_nickname_when_allowed(
    client: Any, app: Any, login_as: Any, organizer: Any, quiz: Any
) -> None:
    login_as(organizer)
    open_session = _create(client, quiz, guests="y")
    closed_session = _create(client, quiz)
    guest = app.test_client()
    assert "nickname" in guest.get("/live/join").get_data(as_text=True)
    refused = guest.post("/live/join", data={"pin": closed_session.pin, "nickname": "Bob"})
    assert "/login" in refused.headers["Location"]
    missing = guest.post("/live/join", data={"pin": open_session.pin, "nickname": ""})
    assert 'id="nickname-errors"' in missing.get_data(as_text=True)
    joined = guest.post("/live/join", data={"pin": open_session.pin, "nickname": "Bob"})
    assert joined.headers["Location"].endswith(f"/live/{open_session.id}/play")
    assert f"live_guest_{open_session.id}" in joined.headers["Set-Cookie"]
    assert "Bob" in guest.get(f"/live/{open_session.id}/play").get_data(as_text=True)
    stranger = app.test_client()
    assert stranger.get(f"/live/{open_session.id}/play").status_code == 302


def test_an_unknown_pin_is_shown_next_to_the_field(client: Any) -> None:
    response = client.post("/live/join", data={"pin": "000000", "nickname": "Al"})
    page = response.get_data(as_text=True)
    assert 'id="pin-errors"' in page
    bad = client.post("/live/join", data={"pin": "12ab"}).get_data(as_text=True)
    assert "PIN 码是 6 位数字。" in bad


def test_member_of_another_unit_is_refused_at_the_pin(
    client: Any, app: Any, login_as: Any, db: Any, quiz: Any
) -> None:
    branch = OrgUnitFactory(name="Branch A")
    leader = UserFactory(username="leader", unit=branch)
    branch.leader_id = leader.id
    outsider = UserFactory(username="outsider", unit=OrgUnitFactory(name="Branch B"))
    db.session.commit()
    login_as(leader)
    session = _create(client, quiz, unit_id=branch.id)
    assert session.unit_id == branch.id
    login_as(outsider)
    page = client.post("/live/join", data={"pin": session.pin}).get_data(as_text=True)
    assert 'id="pin-errors"' in page


def test_big_screen_shows_pin_and_qr(
    client: Any, login_as: Any, organizer: Any, quiz: Any, app: Any
) -> None:
    login_as(organizer)
    session = _create(client, quiz)
    anonymous = app.test_client()
    page = anonymous.get(f"/live/screen/{session.screen_token}").get_data(as_text=True)
    assert session.pin in page
    assert "<svg" in page
    assert f"/live/join?pin={session.pin}" in page
    state_url = f"/api/v1/live-sessions/{session.id}?token={session.screen_token}"
    assert f'data-state-url="{state_url}"'.replace("&", "&amp;") in page or state_url in page
    assert anonymous.get(state_url).get_json()["pin"] == session.pin
    assert anonymous.get("/live/screen/not-a-token").status_code == 404


def test_guessing_pins_on_the_form_is_rate_limited(client: Any, app: Any) -> None:
    saved = app.config.get("LIVE_PIN_RATE_LIMIT")
    app.config["LIVE_PIN_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [
            client.post("/live/join", data={"pin": "000000", "nickname": "x"}).status_code
            for _ in range(4)
        ]
    finally:
        app.config["LIVE_PIN_RATE_LIMIT"] = saved
    assert codes == [200, 200, 200, 429]


def test_a_team_quiz_with_named_teams_shows_each_players_team(
    client: Any, app: Any, login_as: Any, organizer: Any, quiz: Any, db: Any
) -> None:
    login_as(organizer)
    session = _create(client, quiz, mode="teams", team_depth=0, team_names="红队\n蓝队\n")
    assert [team.name for team in session.teams] == ["红队", "蓝队"]
    player_user = UserFactory(username="teamplayer", display_name="赵六")
    db.session.commit()
    phone = app.test_client()
    with phone.session_transaction() as cookie:
        cookie["_user_id"] = player_user.get_id()
    phone.post("/live/join", data={"pin": session.pin})
    assert "赵六 · 红队" in phone.get(f"/live/{session.id}/play").get_data(as_text=True)
    host = client.get(f"/live/sessions/{session.id}/host").get_data(as_text=True)
    assert "<th>队伍</th>" in host
    state = client.get(f"/live/sessions/{session.id}/host/state.json").get_json()
    assert [team["name"] for team in state["host"]["teams"]] == ["红队", "蓝队"]


def test_the_console_closes_a_question_when_its_countdown_ends(
    client: Any, login_as: Any, organizer: Any, quiz: Any
) -> None:
    login_as(organizer)
    session = _create(client, quiz)
    client.post(f"/live/sessions/{session.id}/host/next")
    closed = client.post(f"/live/sessions/{session.id}/host/close").get_json()
    assert closed["state"] == "reveal"
    assert closed["reveal"]["correct"]
    again = client.post(f"/live/sessions/{session.id}/host/close")  # a second tab: no harm
    assert again.status_code == 200


def test_the_phone_and_the_big_screen_pages_reveal_nothing_before_the_close(
    client: Any, app: Any, login_as: Any, organizer: Any, quiz: Any, db: Any
) -> None:
    import html  # noqa: PLC0415
    import json  # noqa: PLC0415
    import re  # noqa: PLC0415

    login_as(organizer)
    session = _create(client, quiz)
    player_user = UserFactory(username="peeker")
    db.session.commit()
    phone = app.test_client()
    with phone.session_transaction() as cookie:
        cookie["_user_id"] = player_user.get_id()
    phone.post("/live/join", data={"pin": session.pin})
    client.post(f"/live/sessions/{session.id}/host/next")
    pages = [
        phone.get(f"/live/{session.id}/play").get_data(as_text=True),
        app.test_client().get(f"/live/screen/{session.screen_token}").get_data(as_text=True),
    ]
    for page in pages:
        initial = json.loads(html.unescape(re.search(r'data-initial="([^"]*)"', page).group(1)))
        assert initial["state"] == "question"
        assert "reveal" not in initial
        assert "correct" not in json.dumps(initial)
        assert "is-correct" not in page


def test_the_menus_lead_members_to_join_and_hosts_to_their_list(
    client: Any, login_as: Any, member: Any, db: Any
) -> None:
    login_as(member)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/live/join"' in page.split('id="main-menu"')[1]
    assert 'href="/live/sessions"' not in page
    branch = OrgUnitFactory(name="Branch L")
    leader = UserFactory(username="unit-leader", unit=branch)
    branch.leader_id = leader.id
    db.session.commit()
    login_as(leader)
    menu = client.get("/").get_data(as_text=True).split('data-testid="manage-menu"')[1]
    assert 'href="/live/sessions"' in menu.split("</details>")[0]

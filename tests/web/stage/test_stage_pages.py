"""Stage pages through the test client: the set-up form, who may see each console (everyone
else gets a 404), a round played through the forms, and the polled state with its ETag."""

from __future__ import annotations

from live.models import LiveSession
from live.services import sessions, stage_scoring
from tests.factories import UserFactory
from tests.formfill import read_form, submit_form
from tests.quiz_factories import make_bank, make_quiz
from tests.unit.live.stage_helpers import go_to, make_stage

EN = {"Accept-Language": "en"}


def test_the_setup_form_creates_a_session_and_shows_errors_on_fields(client, db, login_as):
    organizer = login_as(UserFactory(username="org", role="organizer"))
    UserFactory(username="judgeone")
    ids = [q.id for q in make_bank("Setup bank")]
    db.session.commit()
    refused = submit_form(
        client,
        "/live/stage/new",
        {"title": "Contest", "teams": "Red\nBlue", "judges": "ghost", "required_ids": "1, x"},
        headers=EN,
    )
    page = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "Write whole numbers separated by commas." in page
    refused = submit_form(
        client,
        "/live/stage/new",
        {"title": "Contest", "teams": "Red\nBlue", "judges": "ghost", "required_ids": "1"},
        headers=EN,
    )
    assert "No active user has the username ghost." in refused.get_data(as_text=True)
    created = submit_form(
        client,
        "/live/stage/new",
        {
            "title": "Contest",
            "teams": "Red\nBlue",
            "judges": "judgeone",
            "required_ids": f"{ids[0]}，{ids[1]}",
            "buzzer_ids": str(ids[2]),
            "risk_ids": str(ids[3]),
            "risk_values": "10 20 30",
        },
    )
    assert created.status_code == 302
    session = db.session.query(LiveSession).one()
    assert session.host_id == organizer.id and session.format == "stage"
    assert [t.name for t in session.teams] == ["Red", "Blue"]
    assert stage_scoring.settings_of(session).risk_values == [10, 20, 30]


def test_consoles_answer_404_to_people_without_a_part(client, db, login_as):
    s = make_stage(db)
    other = UserFactory(username="other", role="organizer")
    db.session.commit()
    sid = s.session.id
    login_as(other)
    for url in (f"/live/{sid}/stage", f"/live/{sid}/stage/judge", f"/live/{sid}/stage/state.json"):
        assert client.get(url).status_code == 404, url
    login_as(s.red_player.user)
    assert client.get(f"/live/{sid}/stage").status_code == 404
    assert client.get(f"/live/{sid}/stage/judge").status_code == 404
    assert client.get(f"/live/{sid}/stage/team").status_code == 200
    assert client.get(f"/live/{sid}/stage/state.json").status_code == 200
    login_as(s.judge)
    assert client.get(f"/live/{sid}/stage/judge").status_code == 200
    assert client.get(f"/live/{sid}/stage").status_code == 404
    login_as(other)
    assert client.get(f"/live/{sid}/stage/team").status_code == 302  # to the join page


def test_a_buzzer_round_played_through_the_pages(client, db, login_as):
    s = make_stage(db, judge_count=1)
    sid = s.session.id
    host_url, team_url = f"/live/{sid}/stage", f"/live/{sid}/stage/team"
    login_as(s.host)
    for _step in range(3):  # to the buzzer question
        submit_form(client, host_url, form="/do/next")
    login_as(s.blue_player.user)
    fouled = submit_form(client, team_url, form="/buzz", headers=EN, follow_redirects=True)
    assert "Too early" in fouled.get_data(as_text=True)
    login_as(s.host)
    submit_form(client, host_url, form="/do/open-buzzing")
    login_as(s.red_player.user)
    won = submit_form(client, team_url, form="/buzz", headers=EN, follow_redirects=True)
    assert "Your team buzzed first" in won.get_data(as_text=True)
    login_as(s.head)
    submit_form(client, f"/live/{sid}/stage/judge", form="/mark", button="right")
    assert {t.name: t.score for t in s.session.teams} == {"Red": 10, "Blue": -5}
    login_as(s.host)
    page = client.get(host_url, headers=EN).get_data(as_text=True)
    assert "Early buzz" in page and "Right" in page
    submit_form(client, host_url, form="/undo")
    assert {t.name: t.score for t in s.session.teams} == {"Red": 0, "Blue": -5}


def test_a_step_sent_twice_from_the_same_page_is_taken_once(client, db, login_as):
    """A double click, or a click on a console reloading under it, sends the same form twice:
    "next" skips no question and "undo" takes back one scoring action."""
    s = make_stage(db, judge_count=1)
    sid = s.session.id
    host_url = f"/live/{sid}/stage"
    login_as(s.host)
    lobby = client.get(host_url).get_data(as_text=True)
    submit_form(client, host_url, form="/do/next", page=lobby)
    again = submit_form(
        client, host_url, form="/do/next", page=lobby, headers=EN, follow_redirects=True
    )
    assert "The competition has already moved on; nothing was done." in again.get_data(True)
    assert s.session.current_index == 0
    login_as(s.head)
    submit_form(client, f"/live/{sid}/stage/judge", form="/mark", button="right")
    login_as(s.host)
    stage_scoring.adjust(s.session, s.blue, 3, "Team spirit", s.host)
    db.session.commit()
    scored = client.get(host_url).get_data(as_text=True)
    submit_form(client, host_url, form="/undo", page=scored)
    twice = submit_form(
        client, host_url, form="/undo", page=scored, headers=EN, follow_redirects=True
    )
    assert "nothing was undone" in twice.get_data(True)
    assert {t.name: t.score for t in s.session.teams} == {"Red": 10, "Blue": 0}


def test_an_adjustment_without_a_reason_is_refused(client, db, login_as):
    s = make_stage(db)
    login_as(s.host)
    url = f"/live/{s.session.id}/stage"
    refused = submit_form(
        client, url, {"delta": "5", "reason": ""}, form="/adjust", follow_redirects=True,
        headers=EN,
    )  # fmt: skip
    assert "This field is required." in refused.get_data(as_text=True)
    submit_form(client, url, {"team": str(s.blue.id), "delta": "-3", "reason": "Noise"},
                form="/adjust")  # fmt: skip
    assert s.blue.score == -3


def test_the_screen_state_is_public_by_its_token_and_answers_304_when_unchanged(client, db):
    s = make_stage(db)
    url = f"/live/stage/screen/{s.session.screen_token}/state.json"
    first = client.get(url)
    assert first.status_code == 200 and first.get_json()["format"] == "stage"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"].strip('"')})
    assert again.status_code == 304
    assert client.get("/live/stage/screen/wrong/state.json").status_code == 404
    assert client.get(f"/live/stage/screen/{s.session.screen_token}").status_code == 200


def test_joining_by_pin_leads_to_the_team_page(client, db, login_as):
    s = make_stage(db)
    login_as(UserFactory(username="newcomer"))
    db.session.commit()
    joined = submit_form(client, "/live/stage/join", {"pin": s.session.pin})
    assert joined.headers["Location"].endswith(f"/live/{s.session.id}/stage/team")
    wrong = submit_form(client, "/live/stage/join", {"pin": "000000"}, headers=EN)
    assert wrong.status_code == 200


def test_the_members_join_page_takes_a_stage_pin_to_the_team_page(client, db, login_as):
    s = make_stage(db)
    login_as(UserFactory(username="from-the-menu"))
    db.session.commit()
    joined = submit_form(client, "/live/join", {"pin": s.session.pin}, follow_redirects=True)
    assert joined.request.path == f"/live/{s.session.id}/stage/team"


def test_the_hosted_sessions_list_leaves_stage_sessions_to_their_own_list(db):
    from live.pages import my_sessions  # noqa: PLC0415

    s = make_stage(db)
    assert my_sessions(s.session.host) == []


def test_the_api_buzz_of_a_stage_session_counts_fouls_and_takes_the_turn(client, db, login_as):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 2)
    db.session.commit()
    url = f"/api/v1/live-sessions/{s.session.id}/buzz"
    login_as(s.blue_player.user)
    early = client.post(url, json={"index": 2})
    assert early.status_code == 200 and early.get_json()["foul"] is True
    assert s.blue.score == -5
    assert client.post(url, json={"index": 1}).status_code == 409
    login_as(s.host)
    submit_form(client, f"/live/{s.session.id}/stage", form="/do/open-buzzing")
    login_as(s.red_player.user)
    assert client.post(url, json={"index": 2}).get_json()["order"] == 1
    assert stage_scoring.turn_of(s.session, 2).team_id == s.red.id


def test_guessing_pins_on_the_join_form_is_rate_limited(client, db, login_as):
    login_as(UserFactory(username="guesser"))
    db.session.commit()
    codes = [
        submit_form(client, "/live/stage/join", {"pin": f"00000{n % 10}"}).status_code
        for n in range(11)
    ]
    assert codes == [200] * 10 + [429]


def test_a_round_may_take_a_quizs_questions(client, db, login_as):
    login_as(UserFactory(username="org2", role="organizer"))
    UserFactory(username="judgetwo")
    bank = make_bank("Quiz round bank")
    quiz = make_quiz(bank[:3], title="Buzzer set")
    db.session.commit()
    created = submit_form(
        client,
        "/live/stage/new",
        {
            "title": "From a quiz",
            "teams": "A\nB",
            "judges": "judgetwo",
            "required_ids": str(bank[3].id),
            "buzzer_quiz": str(quiz.id),
        },
    )
    assert created.status_code == 302
    session = db.session.query(LiveSession).one()
    assert [(q.kind, q.version.question_id) for q in session.questions] == [
        ("required", bank[3].id),
        *(("buzzer", q.id) for q in bank[:3]),
    ]


def _token(client) -> dict[str, str]:
    """A CSRF token of the logged-in user's session, read from a page as a browser would."""
    return read_form(client, "/live/stage/join").values().to_dict()


def test_state_changes_answer_404_to_people_without_that_part(client, db, login_as):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 0)
    outsider = UserFactory(username="outsider")
    db.session.commit()
    sid = s.session.id
    host_only = [f"/live/{sid}/stage/do/next", f"/live/{sid}/stage/undo",
                 f"/live/{sid}/stage/adjust"]  # fmt: skip
    for user in (s.head, s.red_player.user, outsider):
        login_as(user)
        for url in host_only:
            assert client.post(url, data=_token(client)).status_code == 404, (user.username, url)
    for user in (s.red_player.user, outsider, s.host):
        login_as(user)
        assert client.post(f"/live/{sid}/stage/mark", data=_token(client)).status_code == 404
    login_as(outsider)
    for url in (f"/live/{sid}/stage/buzz", f"/live/{sid}/stage/answer", f"/live/{sid}/stage/risk"):
        assert client.post(url, data=_token(client)).status_code == 404, url
    assert s.session.current_index == 0 and s.red.score == 0


def test_judges_disagree_and_the_head_judge_decides_on_the_judge_console(client, db, login_as):
    s = make_stage(db)
    go_to(s.session, 3)  # Red's risk question
    db.session.commit()
    sid = s.session.id
    judge_url = f"/live/{sid}/stage/judge"
    login_as(s.host)
    submit_form(client, f"/live/{sid}/stage", form="/risk", button="20")
    login_as(s.judge)
    submit_form(client, judge_url, form="/mark", button="right")
    login_as(s.head)
    submit_form(client, judge_url, form="/mark", button="wrong")
    page = client.get(judge_url, headers=EN).get_data(as_text=True)
    assert "The judges disagree: the head judge decides." in page
    assert "Decide: right" in page
    login_as(s.judge)
    assert "Decide: right" not in client.get(judge_url, headers=EN).get_data(as_text=True)
    login_as(s.head)
    submit_form(client, judge_url, form="/mark", button="right")
    assert s.red.score == 20
    login_as(s.host)
    submit_form(client, f"/live/{sid}/stage", form="/do/show-answer")
    assert s.session.state == "reveal"
    submit_form(client, f"/live/{sid}/stage", form="/do/finish")
    assert s.session.state == "finished"


def test_pages_only_read_even_when_a_question_was_opened_elsewhere(client, db, login_as):
    s = make_stage(db, judge_count=1)
    sessions.advance(s.session, s.host)  # the hosted API's "next": no stage turn stored
    db.session.commit()
    login_as(s.host)
    assert client.get(f"/live/{s.session.id}/stage").status_code == 200
    assert client.get(f"/live/{s.session.id}/stage/state.json").status_code == 200
    assert client.get(f"/live/stage/screen/{s.session.screen_token}").status_code == 200

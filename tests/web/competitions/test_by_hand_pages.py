"""The manage page's freeze / reveal buttons and the award form: the API and the pages follow
at once, every action is in the trail, a bad award form comes back with its errors."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.test import TestResponse

from competitions.models import Award
from competitions.services import registration, results
from tests.formfill import submit_form
from tests.unit.competitions.helpers import auto_quiz, person, running, take

EN = {"Accept-Language": "en"}


def test_freezing_and_revealing_by_hand_reach_the_api_and_pages_at_once(
    client, db, login_as, clock, organizer
):
    quiz = auto_quiz()
    competition = running([quiz])
    leader, climber = person(display_name="Leader"), person(display_name="Climber")
    for member in (leader, climber):
        registration.register(member, competition)
    take(leader, quiz, right=1)
    db.session.commit()
    api = f"/api/v1/competitions/{competition.id}/leaderboard"
    login_as(leader)
    assert client.get(api).get_json()["frozen"] is False

    clock.advance(minutes=1)
    login_as(organizer)
    manage = f"/manage/competitions/{competition.id}"
    assert submit_form(client, manage, form="/freeze").status_code == 302
    page = client.get(manage, headers=EN).get_data(as_text=True)
    assert 'data-testid="board-frozen"' in page
    assert f"{organizer.display_name} froze the public board" in page
    take(climber, quiz, right=2)
    db.session.commit()

    login_as(leader)
    board = client.get(api).get_json()
    assert board["frozen"] is True
    assert [e["name"] for e in board["entries"]] == ["Leader"]
    member_page = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert "Frozen until the end" in member_page

    login_as(organizer)
    assert submit_form(client, manage, form="/reveal").status_code == 302
    assert f"{organizer.display_name} revealed the public board" in client.get(
        manage, headers=EN
    ).get_data(as_text=True)
    login_as(leader)
    board = client.get(api).get_json()
    assert board["frozen"] is False
    assert [e["name"] for e in board["entries"]] == ["Climber", "Leader"]


def test_an_award_by_hand_goes_through_the_form_and_shows_on_the_certificate(
    client, db, login_as, clock, organizer
):
    quiz = auto_quiz()
    competition = running([quiz], certificate_top_n=0)
    member = person(display_name="Newcomer")
    registration.register(member, competition)
    take(member, quiz, right=1)
    clock.advance(hours=3)
    results.publish_results(competition, organizer)
    db.session.commit()
    login_as(organizer)
    manage = f"/manage/competitions/{competition.id}"

    def award(**fields: str) -> TestResponse:
        return submit_form(client, manage, fields, form="/awards")

    refused = award(username=member.username, title="", reason="")
    assert refused.status_code == 400
    assert 'class="field-errors" id="title-errors"' in refused.get_data(as_text=True)
    unknown = award(username="ghost", title="Star", reason="Why")
    assert unknown.status_code == 400

    done = award(username=member.username, title="Best newcomer", reason="Kept going")
    assert done.status_code == 302
    award = db.session.scalar(select(Award).where(Award.user_id == member.id))
    assert (award.kind, award.title) == ("special", "Best newcomer")
    trail = client.get(manage, headers=EN).get_data(as_text=True)
    assert "granted an award to Newcomer: Best newcomer: Kept going" in trail

    login_as(member)
    certificate = client.get(f"/competitions/{competition.id}/certificates/{award.id}")
    assert "Best newcomer" in certificate.get_data(as_text=True)
    assert "Best newcomer" in client.get("/profile").get_data(as_text=True)

"""The organizer's competition pages: list, create and edit, publish, entries, the big screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from competitions.models import Competition, Entry, EntryAction, Registration
from competitions.services import authoring, registration
from lms.core.clock import utcnow
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.quiz_factories import make_bank, make_quiz
from tests.web.competitions.test_member_pages import _take_part, make_competition

EN = {"Accept-Language": "en"}


def _form(quiz_ids: list[int], **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Autumn contest",
        "rules_md": "Play fair.",
        "registration_opens_at": "2026-12-01T09:00",
        "starts_at": "2026-12-02T09:00",
        "ends_at": "2026-12-02T11:00",
        "quiz_ids": [str(i) for i in quiz_ids],
        "unit_ids": [],
        "unit_metric": "participation",
        "min_participants": "2",
        "unit_depth": "3",
        "freeze_minutes": "10",
        "certificate_top_n": "5",
    }
    data.update(changes)
    return data


def _running_with_entries(now: datetime) -> tuple[Competition, list]:
    competition = make_competition(now, opens_in=timedelta(hours=-2), starts_in=timedelta(hours=-1))
    people = [UserFactory(display_name=f"Racer {n}") for n in range(2)]
    for user in people:
        registration.register(user, competition)
        _take_part(user, competition)
    return competition, people


def test_members_are_refused_every_manage_page(client, db, login_as, clock):
    competition = make_competition(clock.now)
    db.session.commit()
    login_as(UserFactory())

    for url in (
        "/manage/competitions/",
        "/manage/competitions/new",
        f"/manage/competitions/{competition.id}",
        f"/manage/competitions/{competition.id}/edit",
    ):
        assert client.get(url).status_code == 403
    # By hand: a member never sees the manage page's publish form.
    assert (
        client.post(
            f"/manage/competitions/{competition.id}/publish", data={"published": "0"}
        ).status_code
        == 403
    )
    assert db.session.get(Competition, competition.id).is_published


def test_the_list_shows_stage_and_participants_in_constant_queries(
    client, db, login_as, clock, count_queries
):
    open_one = make_competition(clock.now, title="Open one")
    make_competition(clock.now, title="Draft one", published=False)
    for _ in range(3):
        db.session.add(Registration(competition_id=open_one.id, user_id=UserFactory().id))
    db.session.commit()
    login_as(UserFactory(role="organizer"))
    client.get("/manage/competitions/")  # warm the per-process caches (settings, translations)
    db.session.expire_all()

    with count_queries() as few:
        page = client.get("/manage/competitions/", headers=EN).get_data(as_text=True)
    for n in range(3):
        make_competition(clock.now, title=f"Extra {n}")
    db.session.commit()
    with count_queries() as many:
        client.get("/manage/competitions/")

    rows = re.findall(r'<tr data-testid="competition-row">(.*?)</tr>', page, re.S)
    open_row = next(r for r in rows if "Open one" in r)
    assert 'data-stage="registration"' in open_row and "<td>3</td>" in open_row
    assert 'data-stage="draft"' in next(r for r in rows if "Draft one" in r)
    assert many.count == few.count


def test_the_form_offers_published_quizzes_with_their_time_limits(client, db, login_as):
    bank = make_bank(types=("true_false",))
    make_quiz(bank, title="Timed quiz", time_limit_seconds=900)
    make_quiz(bank, title="Hidden draft quiz", published=False)
    make_competition(utcnow(), quiz_title="Taken quiz")
    db.session.commit()
    login_as(UserFactory(role="organizer"))

    page = client.get("/manage/competitions/new", headers=EN).get_data(as_text=True)

    assert "Timed quiz · 15 min" in page
    assert "Hidden draft quiz" not in page
    assert "Taken quiz" not in page


def test_creating_a_competition_stores_local_times_as_utc_and_the_rounds(client, db, login_as):
    bank = make_bank(types=("true_false",))
    first, second = make_quiz(bank, title="Round A"), make_quiz(bank, title="Round B")
    branch = OrgUnitFactory(name="Branch")
    db.session.commit()
    organizer = login_as(UserFactory(role="organizer"))

    response = submit_form(
        client,
        "/manage/competitions/new",
        _form([second.id, first.id], unit_ids=[str(branch.id)]),
    )

    competition = db.session.scalar(select(Competition))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/competitions/{competition.id}")
    # 09:00 in Asia/Shanghai is 01:00 UTC.
    assert competition.starts_at.astimezone(UTC) == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    assert [r.quiz.title for r in competition.rounds] == ["Round B", "Round A"]
    assert [u.name for u in competition.units] == ["Branch"]
    assert (competition.unit_metric, competition.min_participants, competition.unit_depth) == (
        "participation",
        2,
        3,
    )
    assert (competition.freeze_minutes, competition.certificate_top_n) == (10, 5)
    assert competition.created_by_id == organizer.id
    assert not competition.is_published


def test_form_errors_re_render_the_form_and_save_nothing(client, db, login_as):
    quiz = make_quiz(make_bank(types=("true_false",)))
    db.session.commit()
    login_as(UserFactory(role="organizer"))

    new = "/manage/competitions/new"
    missing = submit_form(client, new, _form([], title=""), headers=EN)
    backwards = submit_form(client, new, _form([quiz.id], ends_at="2026-12-02T08:00"), headers=EN)
    bad_number = submit_form(client, new, _form([quiz.id], min_participants="-1"), headers=EN)
    # By hand: a forged quiz id the page's select never offers.
    bad_quiz = client.post(new, data=_form([999_999]), headers=EN)

    assert missing.status_code == 200
    assert "Choose at least one quiz." in missing.get_data(as_text=True)
    assert backwards.status_code == 200
    assert "The competition must end after it starts." in backwards.get_data(as_text=True)
    assert bad_number.status_code == 200 and "field-errors" in bad_number.get_data(as_text=True)
    assert bad_quiz.status_code == 200
    assert db.session.scalar(select(Competition)) is None


def test_editing_shows_local_times_and_saves_changes(client, db, login_as, clock):
    competition = make_competition(clock.now, published=False)
    other = make_quiz(make_bank(types=("true_false",)), title="Another round")
    db.session.commit()
    login_as(UserFactory(role="organizer"))

    page = client.get(f"/manage/competitions/{competition.id}/edit").get_data(as_text=True)
    # The clock is 08:00 UTC; the competition starts an hour later, 17:00 in Asia/Shanghai.
    assert 'value="2026-11-24T17:00"' in page

    response = submit_form(
        client,
        f"/manage/competitions/{competition.id}/edit",
        {"title": "Renamed", "quiz_ids": [competition.rounds[0].quiz_id, other.id]},
    )

    assert response.status_code == 302
    db.session.refresh(competition)
    assert competition.title == "Renamed"
    assert [r.quiz.title for r in competition.rounds][1] == "Another round"


def test_publishing_and_unpublishing(client, db, login_as, clock):
    competition = make_competition(clock.now, published=False)
    db.session.commit()
    login_as(UserFactory(role="admin"))

    url = f"/manage/competitions/{competition.id}"

    submit_form(client, url, form="/publish", button="1")
    assert db.session.get(Competition, competition.id).is_published
    submit_form(client, url, form="/publish", button="0")
    assert not db.session.get(Competition, competition.id).is_published


def test_the_entries_table_and_disqualifying_with_a_reason(client, db, login_as, clock):
    competition, (first, _second) = _running_with_entries(clock.now)
    organizer = UserFactory(role="organizer", display_name="Olga Organizer")
    db.session.commit()
    login_as(organizer)
    entry = db.session.scalar(select(Entry).where(Entry.user_id == first.id))

    page = client.get(f"/manage/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert page.count('data-testid="entry-row"') == 2
    assert "Racer 0" in page and "Racer 1" in page

    manage = f"/manage/competitions/{competition.id}"
    disqualify = f"/manage/competitions/entries/{entry.id}/disqualify"
    # By hand: the reason input is `required`, so a browser never sends it empty.
    refused = client.post(disqualify, data={"reason": ""}, headers=EN, follow_redirects=True)
    assert "Reason:" in refused.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.disqualified_at is None

    submit_form(client, manage, {"reason": "Shared answers"}, form=disqualify)
    db.session.refresh(entry)
    assert entry.disqualified_at is not None
    page = client.get(f"/manage/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert "Olga Organizer disqualified Racer 0: Shared answers" in page
    assert 'data-testid="reinstate"' in page

    submit_form(client, manage, {"reason": "Appeal upheld"}, form=f"/entries/{entry.id}/reinstate")
    db.session.refresh(entry)
    assert entry.disqualified_at is None
    assert [a.action for a in db.session.scalars(select(EntryAction).order_by(EntryAction.id))] == [
        "disqualify",
        "reinstate",
    ]


def test_a_missing_entry_is_not_found(client, db, login_as):
    login_as(UserFactory(role="organizer"))
    # By hand: no page shows a form for an entry that does not exist.
    response = client.post("/manage/competitions/entries/999999/disqualify", data={"reason": "x"})
    assert response.status_code == 404


def test_the_big_screen_link_is_made_renewed_and_revoked(client, db, login_as, clock):
    competition = make_competition(clock.now)
    db.session.commit()
    login_as(UserFactory(role="organizer"))
    url = f"/manage/competitions/{competition.id}"

    submit_form(client, url, form="renew-display-form")
    first = db.session.get(Competition, competition.id).display_token
    submit_form(client, url, form="renew-display-form")
    second = db.session.get(Competition, competition.id).display_token
    page = client.get(url, headers=EN).get_data(as_text=True)
    submit_form(client, url, form="/display/revoke")

    assert first and second and first != second
    assert 'data-testid="revoke-display"' in page
    assert db.session.get(Competition, competition.id).display_token is None


def test_rebuilding_the_leaderboard(client, db, login_as, clock):
    competition, _people = _running_with_entries(clock.now)
    db.session.commit()
    login_as(UserFactory(role="organizer"))

    response = submit_form(
        client,
        f"/manage/competitions/{competition.id}",
        form="/rebuild",
        headers=EN,
        follow_redirects=True,
    )

    assert "rebuilt from 2 entries" in response.get_data(as_text=True)


def test_manage_actions_need_the_csrf_token(client, db, login_as, clock, csrf_enabled):
    competition = make_competition(clock.now, published=False)
    db.session.commit()
    login_as(UserFactory(role="organizer"))

    # By hand: this test is about the missing token, which the page would send.
    response = client.post(
        f"/manage/competitions/{competition.id}/publish", data={"published": "1"}
    )

    assert response.status_code == 400
    assert not authoring.get_competition(competition.id).is_published

"""The member's competition pages: the list, a competition's page, registering, the home block."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from competitions.models import Competition, Registration
from competitions.services import authoring
from competitions.services.authoring import CompetitionSettings
from lms.accounts.models import User
from quizzes.services import answers, attempts
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.quiz_factories import make_bank, make_quiz

EN = {"Accept-Language": "en"}


def make_competition(
    now: Any,
    *,
    title: str = "Spring contest",
    opens_in: timedelta = timedelta(hours=-1),
    starts_in: timedelta = timedelta(hours=1),
    length: timedelta = timedelta(hours=2),
    published: bool = True,
    units: list | None = None,
    rules_md: str = "Be **fair**.",
    quiz_title: str | None = None,
) -> Competition:
    """A competition over a fresh one-question quiz, its window placed relative to ``now``."""
    quiz = make_quiz(
        make_bank(types=("true_false",)),
        title=quiz_title or f"{title} round",
        time_limit_seconds=600,
    )
    competition = authoring.create_competition(
        CompetitionSettings(
            title=title,
            rules_md=rules_md,
            registration_opens_at=now + opens_in,
            starts_at=now + starts_in,
            ends_at=now + starts_in + length,
            units=units or [],
        ),
        [quiz],
        created_by=None,
    )
    if published:
        authoring.set_published(competition, True)
    return competition


def _take_part(user: User, competition: Competition) -> None:
    attempt = attempts.start(user, competition.rounds[0].quiz)
    answers.save_answer(attempt, 1, True, 1)
    attempts.submit(attempt)


def test_the_list_shows_each_stage_and_hides_drafts_and_other_units(client, db, login_as, clock):
    north = OrgUnitFactory(name="North")
    member = UserFactory(unit=north)
    now = clock.now
    make_competition(now, title="Open contest")
    make_competition(
        now, title="Running contest", opens_in=timedelta(hours=-3), starts_in=timedelta(hours=-1)
    )
    make_competition(
        now, title="Later contest", opens_in=timedelta(days=2), starts_in=timedelta(days=3)
    )
    make_competition(
        now, title="Old contest", opens_in=timedelta(days=-3), starts_in=timedelta(days=-2)
    )
    make_competition(now, title="Draft contest", published=False)
    make_competition(now, title="South contest", units=[OrgUnitFactory(name="South")])
    make_competition(now, title="North contest", units=[north])
    db.session.commit()
    login_as(member)

    page = client.get("/competitions", headers=EN).get_data(as_text=True)

    stages = dict(re.findall(r'<strong>([^<]+)</strong></a>\s*<mark[^>]*data-stage="(\w+)"', page))
    assert stages == {
        "Open contest": "registration",
        "North contest": "registration",
        "Running contest": "running",
        "Later contest": "upcoming",
        "Old contest": "finished",
    }
    assert page.index("Running now") < page.index("Registration open") < page.index("Upcoming")


def test_the_list_runs_the_same_queries_for_more_competitions(
    client, db, login_as, clock, count_queries
):
    member = UserFactory()
    make_competition(clock.now, title="One")
    db.session.commit()
    login_as(member)
    client.get("/competitions")  # warm the per-process caches (settings, translations)
    db.session.expire_all()
    with count_queries() as few:
        client.get("/competitions")
    for n in range(4):
        make_competition(clock.now, title=f"More {n}")
    db.session.commit()
    with count_queries() as many:
        client.get("/competitions")
    assert many.count == few.count


def test_a_competition_page_states_rules_ranking_and_local_times(client, db, login_as, clock):
    member = UserFactory()
    competition = make_competition(
        clock.now,
        rules_md="Be **fair**.\n\n<script>alert(1)</script>",
        starts_in=timedelta(hours=2),
    )
    db.session.commit()
    login_as(member)

    page = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)

    assert "<strong>fair</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Higher total score first" in page
    assert "less time used first" in page
    assert "earlier submission first" in page
    assert "share the rank (1, 2, 2, 4)" in page
    # The clock is 08:00 UTC; the competition starts at 10:00 UTC, 18:00 in Asia/Shanghai.
    window = re.search(r'data-testid="window">([^<]+)<', page).group(1)
    assert "6:00" in window and "PM" in window
    assert "Every member" in page
    assert 'data-testid="register"' in page
    assert 'data-testid="round-link"' not in page


def test_registering_is_a_post_and_shows_the_member_registered(client, db, login_as, clock):
    member = UserFactory()
    competition = make_competition(clock.now)
    db.session.commit()
    login_as(member)

    assert client.get(f"/competitions/{competition.id}/register").status_code == 405
    response = submit_form(client, f"/competitions/{competition.id}", form="/register", headers=EN)

    assert response.status_code == 302
    assert (
        db.session.scalar(select(Registration).where(Registration.user_id == member.id)) is not None
    )
    page = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert "You are registered" in page
    assert 'data-testid="register"' not in page


def test_registering_before_registration_opens_is_refused_with_a_message(
    client, db, login_as, clock
):
    member = UserFactory()
    competition = make_competition(
        clock.now, opens_in=timedelta(days=1), starts_in=timedelta(days=2)
    )
    db.session.commit()
    login_as(member)

    url = f"/competitions/{competition.id}"
    assert 'data-testid="register"' not in client.get(url).get_data(as_text=True)

    # By hand: the page offers no register button before registration opens.
    response = client.post(f"{url}/register", headers=EN, follow_redirects=True)

    assert "Registration has not opened yet." in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_a_member_may_cancel_while_registration_is_open(client, db, login_as, clock):
    member = UserFactory()
    competition = make_competition(clock.now)
    db.session.add(Registration(competition_id=competition.id, user_id=member.id))
    db.session.commit()
    login_as(member)

    submit_form(client, f"/competitions/{competition.id}", form="/unregister")

    assert db.session.scalar(select(Registration)) is None


def test_drafts_other_units_and_missing_competitions_are_not_found_for_members(
    client, db, login_as, clock
):
    member = UserFactory()
    draft = make_competition(clock.now, title="Draft", published=False)
    other = make_competition(clock.now, title="Other", units=[OrgUnitFactory(name="Elsewhere")])
    db.session.commit()
    login_as(member)

    for competition_id in (draft.id, other.id, 999_999):
        assert client.get(f"/competitions/{competition_id}").status_code == 404
        # By hand: members see no page, so no register form, for these competitions.
        assert client.post(f"/competitions/{competition_id}/register").status_code == 404
    assert db.session.scalar(select(Registration)) is None


def test_organizers_preview_a_draft(client, db, login_as, clock):
    draft = make_competition(clock.now, title="Draft", published=False)
    db.session.commit()
    login_as(UserFactory(role="organizer"))

    page = client.get(f"/competitions/{draft.id}", headers=EN).get_data(as_text=True)

    assert "Draft" in page and 'data-stage="draft"' in page


def test_while_running_a_registered_member_gets_the_round_links(client, db, login_as, clock):
    member = UserFactory()
    outsider = UserFactory()
    competition = make_competition(clock.now, starts_in=timedelta(minutes=30))
    db.session.add(Registration(competition_id=competition.id, user_id=member.id))
    db.session.commit()
    start_page = f'href="/quizzes/{competition.rounds[0].quiz_id}"'

    login_as(member)
    assert start_page not in client.get(f"/competitions/{competition.id}").get_data(as_text=True)
    clock.advance(minutes=31)
    page = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert start_page in page

    login_as(outsider)
    page = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)
    assert start_page not in page
    assert "Register to take part" in page


def test_after_a_round_the_member_sees_score_rank_and_the_boards(client, db, login_as, clock):
    unit = OrgUnitFactory(name="Branch")
    first = UserFactory(unit=unit, display_name="Ann First")
    second = UserFactory(unit=unit, display_name="Bob Second")
    competition = make_competition(
        clock.now, opens_in=timedelta(hours=-2), starts_in=timedelta(hours=-1)
    )
    for user in (first, second):
        db.session.add(Registration(competition_id=competition.id, user_id=user.id))
    db.session.flush()
    _take_part(first, competition)
    clock.advance(minutes=5)
    attempt = attempts.start(second, competition.rounds[0].quiz)
    answers.save_answer(attempt, 1, False, 1)
    attempts.submit(attempt)
    db.session.commit()
    login_as(second)

    page = client.get(f"/competitions/{competition.id}", headers=EN).get_data(as_text=True)

    mine = page[page.index('data-testid="my-entry"') :]
    assert re.search(r'data-testid="my-rank">2\b', mine)
    assert re.search(r'data-testid="my-score">0 / 2', mine)
    board = page[page.index('data-testid="people-board"') :]
    assert board.index("Ann First") < board.index("Bob Second")
    assert 'data-testid="units-board"' in page


def test_the_home_page_offers_current_competitions(client, db, login_as, clock):
    member = UserFactory()
    make_competition(clock.now, title="Open now")
    make_competition(
        clock.now, title="Long gone", opens_in=timedelta(days=-3), starts_in=timedelta(days=-2)
    )
    db.session.commit()
    login_as(member)

    page = client.get("/", headers=EN).get_data(as_text=True)

    block = page[page.index('data-testid="home-competitions"') :]
    assert "Open now" in block and 'data-testid="home-register"' in block
    assert "Long gone" not in page


def test_registering_needs_the_csrf_token(client, db, login_as, clock, csrf_enabled):
    member = UserFactory()
    competition = make_competition(clock.now)
    db.session.commit()
    login_as(member)

    # By hand: this test is about the missing token, which the page would send.
    response = client.post(f"/competitions/{competition.id}/register")

    assert response.status_code == 400
    assert db.session.scalar(select(Registration)) is None

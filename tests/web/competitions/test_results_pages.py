"""The results page, publishing, exports and certificates, by role."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from competitions.models import Award, Entry
from competitions.services import results
from lms.core.extensions import db
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.unit.competitions.test_results import finished_competition


def _world(db: Any) -> dict[str, Any]:
    competition, users = finished_competition(
        [("li", 9, 100, 10), ("wang", 7, 120, 10), ("zhao", 5, 90, 10)],
        top_n=1,
        title="消防知识竞赛",
    )
    users["li"].display_name = "李四"
    users["zhao"].display_name = '=HYPERLINK("http://evil")'
    db.session.commit()
    return {"competition": competition, **users}


def _publish(world: dict[str, Any], db: Any) -> None:
    results.publish_results(world["competition"], UserFactory(role="organizer"))
    db.session.commit()


def test_members_wait_for_publishing_while_staff_see_the_ranking_and_publish(
    client, db, login_as, clock, organizer
):
    world = _world(db)
    url = f"/competitions/{world['competition'].id}/results"
    login_as(world["wang"])
    waiting = client.get(url).get_data(as_text=True)
    assert 'data-testid="not-published"' in waiting
    assert "李四" not in waiting

    login_as(organizer)
    staff_page = client.get(url).get_data(as_text=True)
    assert "李四" in staff_page
    assert 'data-testid="publish"' in staff_page
    response = submit_form(client, url, form="/publish")
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Award)) == 3

    login_as(world["wang"])
    page = client.get(url).get_data(as_text=True)
    assert 'data-testid="people-results"' in page
    assert "李四" in page
    assert 'data-testid="my-award"' in page
    assert 'data-testid="publish"' not in page


def test_publishing_before_the_end_is_refused_with_a_message(
    client, db, login_as, clock, organizer
):
    world = _world(db)
    world["competition"].ends_at = clock.now.replace(year=2027)
    db.session.commit()
    login_as(organizer)

    url = f"/competitions/{world['competition'].id}/results"
    assert 'data-testid="publish"' not in client.get(url).get_data(as_text=True)

    # By hand: before the end the page offers no publish button; the server refuses it anyway.
    response = client.post(f"{url}/publish", follow_redirects=True)

    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0
    assert world["competition"].results_published_at is None


def test_a_draft_competition_has_no_results_page_for_members(client, db, login_as, clock):
    world = _world(db)
    world["competition"].is_published = False
    db.session.commit()
    login_as(world["li"])

    assert client.get(f"/competitions/{world['competition'].id}/results").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("inside", 200), ("below", 200), ("outside", 404), ("organizer", 200), ("admin", 200)],
)
def test_results_of_a_unit_restricted_competition_are_not_found_outside_its_units(
    client, db, login_as, clock, who, status
):
    world = _world(db)
    _publish(world, db)
    competition = world["competition"]
    north = OrgUnitFactory(name="North")
    competition.units = [north]
    people = {
        "inside": UserFactory(unit=north),
        "below": UserFactory(unit=OrgUnitFactory(name="Team", parent=north)),
        "outside": UserFactory(unit=OrgUnitFactory(name="South")),
        "organizer": UserFactory(role="organizer", unit=OrgUnitFactory(name="Office")),
        "admin": UserFactory(role="admin", unit=OrgUnitFactory(name="IT")),
    }
    db.session.commit()
    login_as(people[who])

    response = client.get(f"/competitions/{competition.id}/results")

    assert response.status_code == status
    assert ("李四" in response.get_data(as_text=True)) is (status == 200)


def test_exports_neutralise_formulas_and_are_for_staff_only(client, db, login_as, clock, organizer):
    world = _world(db)
    base = f"/competitions/{world['competition'].id}/results"
    login_as(world["li"])
    assert client.get(f"{base}.csv").status_code == 403

    login_as(organizer)
    rows = list(csv.reader(io.StringIO(client.get(f"{base}.csv").data.decode("utf-8-sig"))))
    assert rows[1][:2] == ["1", "李四"]
    assert rows[3][1] == '\'=HYPERLINK("http://evil")'

    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").data)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["李四", "Wang", '\'=HYPERLINK("http://evil")']
    assert client.get(f"{base}.pdf").status_code == 404


def test_a_member_sees_only_their_own_certificate(client, db, login_as, clock, admin):
    world = _world(db)
    _publish(world, db)
    award = results.award_of(world["competition"], world["li"])
    page = f"/competitions/{world['competition'].id}/certificates/{award.id}"

    login_as(world["li"])
    html = client.get(page).get_data(as_text=True)
    assert "李四" in html
    assert "消防知识竞赛" in html
    assert award.code in html
    login_as(world["wang"])
    assert client.get(page).status_code == 404
    assert client.get(f"{page}.pdf").status_code == 404
    login_as(admin)
    assert client.get(page).status_code == 200


def test_the_certificate_pdf_carries_the_chinese_name_title_and_place(client, db, login_as, clock):
    world = _world(db)
    _publish(world, db)
    award = results.award_of(world["competition"], world["li"])
    login_as(world["li"])

    response = client.get(f"/competitions/{world['competition'].id}/certificates/{award.id}.pdf")

    assert response.mimetype == "application/pdf"
    text = "".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "李四" in text
    assert "消防知识竞赛" in text
    assert award.code in text


def test_staff_download_every_certificate_in_one_pdf(client, db, login_as, clock, organizer):
    world = _world(db)
    _publish(world, db)
    login_as(organizer)

    response = client.get(f"/competitions/{world['competition'].id}/certificates.pdf")

    assert len(PdfReader(io.BytesIO(response.data)).pages) == 3


def test_awards_are_listed_on_the_profile(client, db, login_as, clock):
    world = _world(db)
    login_as(world["li"])
    assert 'data-testid="profile-awards"' not in client.get("/profile").get_data(as_text=True)

    _publish(world, db)
    profile = client.get("/profile").get_data(as_text=True)

    assert 'data-testid="profile-awards"' in profile
    assert "消防知识竞赛" in profile


def _statements_for_results_page(client, login_as, count_queries, size: int, admin) -> int:
    competition, _users = finished_competition(
        [(f"p{size}_{n}", n, 60, 10) for n in range(size)], title=f"Cup {size}"
    )
    results.publish_results(competition, admin)
    db.session.commit()
    login_as(admin)
    url = f"/competitions/{competition.id}/results"
    client.get(url)  # the day's first request also records the daily login points
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def test_the_results_page_runs_the_same_statements_for_any_number_of_participants(
    client, db, login_as, clock, count_queries, admin
):
    small = _statements_for_results_page(client, login_as, count_queries, 2, admin)
    large = _statements_for_results_page(client, login_as, count_queries, 12, admin)

    assert large == small, (small, large)


def test_disqualifying_after_publication_takes_the_certificate_and_profile_award_away(
    client, db, login_as, clock, organizer
):
    world = _world(db)
    _publish(world, db)
    competition = world["competition"]
    award = results.award_of(competition, world["li"])
    certificate = f"/competitions/{competition.id}/certificates/{award.id}"
    entry = db.session.scalar(select(Entry).where(Entry.user_id == world["li"].id))
    login_as(organizer)
    page = client.get(f"/manage/competitions/{competition.id}").get_data(as_text=True)
    assert 'data-testid="withdraw-hint"' in page

    submit_form(
        client,
        f"/manage/competitions/{competition.id}",
        {"reason": "Copied answers"},
        form=f"/entries/{entry.id}/disqualify",
    )

    login_as(world["li"])
    assert client.get(certificate).status_code == 404
    assert "消防知识竞赛" not in client.get("/profile").get_data(as_text=True)
    history = client.get("/points").get_data(as_text=True)
    assert "Copied answers" in history

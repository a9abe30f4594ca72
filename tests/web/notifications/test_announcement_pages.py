"""Announcement pages: posting, the home card and list, reading, acknowledging, who read it."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from lms.notifications.announcement_models import Announcement, AnnouncementReceipt
from tests.factories import OrgUnitFactory, UserFactory


def _tree(db: Any) -> dict[str, Any]:
    org = OrgUnitFactory(name="Org")
    branch = OrgUnitFactory(name="Branch", parent=org)
    other = OrgUnitFactory(name="Other", parent=org)
    leader = UserFactory(username="leader", unit=branch)
    branch.leader = leader
    people = {
        "org": org,
        "branch": branch,
        "other": other,
        "leader": leader,
        "reader": UserFactory(username="reader", display_name="读者", unit=branch),
        "outsider": UserFactory(username="outsider", unit=other),
        "organizer": UserFactory(username="boss", role="organizer", unit=org),
    }
    db.session.commit()
    return people


def _post(client: Any, **fields: Any) -> Any:
    data = {"title": "Safety week", "body_md": "Please **read** <script>x()</script>", **fields}
    return client.post("/announcements/new", data=data)


def test_an_organizer_posts_and_a_reader_reads_and_acknowledges(client, db, login_as) -> None:
    people = _tree(db)
    login_as(people["organizer"])
    response = _post(client, unit_ids=[people["branch"].id], is_pinned="y", requires_ack="y")
    notice = db.session.query(Announcement).one()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/announcements/{notice.id}/readers")

    login_as(people["reader"])
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="home-announcement"' in home and "Safety week" in home
    assert 'data-testid="awaits-ack"' in home
    page = client.get(f"/announcements/{notice.id}").get_data(as_text=True)
    assert "<strong>read</strong>" in page and "<script>" not in page
    assert 'data-testid="acknowledge"' in page
    assert client.post(f"/announcements/{notice.id}/acknowledge").status_code == 302
    page = client.get(f"/announcements/{notice.id}").get_data(as_text=True)
    assert 'data-testid="acknowledged"' in page
    receipt = db.session.query(AnnouncementReceipt).one()
    assert receipt.acknowledged_at is not None

    login_as(people["outsider"])
    assert client.get(f"/announcements/{notice.id}").status_code == 404
    assert "Safety week" not in client.get("/announcements/").get_data(as_text=True)

    login_as(people["organizer"])
    readers = client.get(f"/announcements/{notice.id}/readers").get_data(as_text=True)
    assert 'data-testid="stat-audience">2<' in readers
    assert 'data-testid="stat-acknowledged">1<' in readers
    unread = client.get(f"/announcements/{notice.id}/readers?status=unread")
    assert unread.get_data(as_text=True).count('data-testid="reader-row"') == 1
    export = client.get(f"/announcements/{notice.id}/readers.xlsx")
    book = load_workbook(io.BytesIO(export.data))
    people_sheet = book.worksheets[1]
    assert [row[1] for row in people_sheet.iter_rows(min_row=2, values_only=True)] == [
        "Leader",
        "读者",
    ]


def test_a_refused_form_shows_its_errors(client, db, login_as) -> None:
    people = _tree(db)
    login_as(people["leader"])
    page = _post(client, title="", unit_ids=[people["branch"].id]).get_data(as_text=True)
    assert 'id="title-errors"' in page
    page = _post(client).get_data(as_text=True)  # a leader must choose a unit
    assert 'id="unit_ids-errors"' in page
    page = _post(client, unit_ids=[people["other"].id]).get_data(as_text=True)
    assert 'id="unit_ids-errors"' in page
    assert db.session.query(Announcement).count() == 0
    assert _post(client, unit_ids=[people["branch"].id]).status_code == 302


def test_a_member_who_leads_nothing_cannot_post(client, db, login_as) -> None:
    people = _tree(db)
    login_as(people["reader"])
    assert client.get("/announcements/new").status_code == 403
    assert 'data-testid="new-announcement"' not in client.get("/announcements/").get_data(
        as_text=True
    )


def test_the_author_edits_and_withdraws(client, db, login_as) -> None:
    people = _tree(db)
    login_as(people["organizer"])
    _post(client)
    notice = db.session.query(Announcement).one()
    form = client.get(f"/announcements/{notice.id}/edit").get_data(as_text=True)
    assert 'value="Safety week"' in form
    client.post(f"/announcements/{notice.id}/edit", data={"title": "Changed", "body_md": ""})
    db.session.refresh(notice)
    assert notice.title == "Changed"
    login_as(people["leader"])
    assert client.get(f"/announcements/{notice.id}/edit").status_code == 404
    login_as(people["organizer"])
    assert client.post(f"/announcements/{notice.id}/withdraw").status_code == 302
    assert db.session.query(Announcement).count() == 0


def test_the_list_costs_the_same_for_three_notices_as_for_one(
    client, db, login_as, count_queries
) -> None:
    people = _tree(db)
    login_as(people["organizer"])
    _post(client)
    login_as(people["reader"])

    def cost() -> int:
        with count_queries() as counter:
            assert client.get("/announcements/").status_code == 200
        return counter.count

    cost()  # the day's first request also awards the login points
    one = cost()
    login_as(people["leader"])
    for title in ("Second", "Third"):
        _post(client, title=title, unit_ids=[people["branch"].id])
    login_as(people["reader"])
    cost()
    assert cost() == one

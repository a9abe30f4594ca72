"""Study-hour pages: my record and transcripts, the home card, the targets, the report, the API,
and the course completion certificate."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from lms.points.hours import queries, services, views
from lms.points.hours.models import StudyHourTarget
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form


def _pdf_text(data: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def _credit(user: Any, source_id: int, title: str, centihours: int) -> None:
    services.credit(
        user, source_type="lesson", source_id=source_id, title=title, centihours=centihours
    )


def test_my_record_transcripts_and_the_home_card(client, db, login_as, clock):
    member = UserFactory(display_name="李堃喆")
    _credit(member, 1, "安全生产基础", 150)
    _credit(member, 2, "=SUM(A1)", 50)
    services.set_target(year=2026, unit=None, role=None, centihours=3200)
    db.session.commit()
    login_as(member)

    page = client.get("/study-hours").get_data(as_text=True)
    assert 'data-testid="hours-total">2<' in page
    assert 'data-testid="hours-target">32<' in page
    assert 'data-testid="hours-missing">30<' in page
    assert "安全生产基础" in page
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="home-hours"' in home and 'value="6"' in home  # 2 of 32: 6 %

    pdf = client.get("/study-hours/transcript.pdf?year=2026")
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert "李堃喆" in text and "安全生产基础" in text and "2026" in text
    sheet = load_workbook(io.BytesIO(client.get("/study-hours/transcript.xlsx").data)).worksheets[0]
    rows = list(sheet.values)
    assert rows[0] == ("日期", "标题", "学时", "学时来源")
    assert rows[1][1:] == ("安全生产基础", 1.5, "课时")
    assert rows[2][1] == "'=SUM(A1)"  # never a formula
    assert client.get("/study-hours?year=abc").status_code == 200  # this year


def test_api_gives_the_year_with_its_items(client, db, login_as, clock):
    member = UserFactory()
    _credit(member, 1, "Safety", 150)
    db.session.commit()
    login_as(member)
    body = client.get("/api/v1/study-hours/me?year=2026").get_json()
    assert body == {
        "year": 2026,
        "target": None,
        "hours": 1.5,
        "reached": False,
        "items": [
            {
                "date": "2026-11-24",
                "title": "Safety",
                "hours": 1.5,
                "source": "lesson",
                "source_id": 1,
            }
        ],
    }
    assert client.get("/api/v1/study-hours/me").get_json()["year"] == 2026
    assert client.get("/api/v1/study-hours/me?year=2025").get_json()["items"] == []
    for bad in ("abc", "1999", "２０２６", "-1"):
        answer = client.get(f"/api/v1/study-hours/me?year={bad}")
        assert answer.status_code == 400
        assert answer.get_json()["error"]["code"] == "bad_request"


def test_admin_sets_and_removes_targets_and_the_minutes_of_an_hour(client, db, login_as, clock):
    admin = UserFactory(role="admin", language="en")
    branch = OrgUnitFactory(name="Branch", parent=admin.unit)
    db.session.commit()
    login_as(admin)

    refused = submit_form(client, "/admin/study-hours", {"hours": "abc"}, form="/targets")
    assert refused.status_code == 200
    assert "at most two decimals" in refused.get_data(as_text=True)
    for bad in (
        {"year": "abc", "hours": "1"},
        {"year": "1999", "hours": "1"},
        {"year": "2026", "hours": "0"},
        {"year": "2026", "hours": "2", "unit_id": "999999"},
        {"year": "2026", "hours": "2", "role": "king"},
    ):
        answer = client.post("/admin/study-hours/targets", data=bad)
        assert answer.status_code == 200, bad
    assert client.get("/admin/study-hours?year=abc").status_code == 200
    assert db.session.query(StudyHourTarget).count() == 0

    saved = submit_form(
        client,
        "/admin/study-hours",
        {"hours": "40.5", "unit_id": str(branch.id), "role": "member"},
        form="/targets",
    )
    assert saved.status_code == 302
    (target,) = queries.targets(2026)
    assert (target.unit.id, target.role, target.centihours) == (branch.id, "member", 4050)
    page = client.get("/admin/study-hours?year=2026").get_data(as_text=True)
    assert "40.5" in page and branch.path in page

    removed = submit_form(client, "/admin/study-hours?year=2026", {}, form="/delete")
    assert removed.status_code == 302
    assert queries.targets(2026) == []

    bad = submit_form(client, "/admin/study-hours", {"minutes_per_hour": "90"}, form="/minutes")
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    submit_form(client, "/admin/study-hours", {"minutes_per_hour": "45"}, form="/minutes")
    assert services.minutes_per_hour() == 45


def test_the_report_shows_a_leader_who_is_behind_and_exports(
    client, db, login_as, clock, monkeypatch
):
    top = OrgUnitFactory(name="Org")
    east, west = OrgUnitFactory(name="East", parent=top), OrgUnitFactory(name="West", parent=top)
    leader = UserFactory(unit=east, display_name="Lead")
    behind = UserFactory(unit=east, display_name="Slow")
    UserFactory(unit=west, display_name="Elsewhere")
    east.leader_id = leader.id
    services.set_target(year=2026, unit=None, role=None, centihours=1000)
    _credit(leader, 1, "A", 1200)
    _credit(behind, 1, "A", 300)
    db.session.commit()
    login_as(behind)
    assert client.get("/study-hours/report").status_code == 403
    login_as(leader)

    page = client.get("/study-hours/report").get_data(as_text=True)
    assert "Slow" in page and "Lead" not in page.split('data-testid="hours-members"')[1]
    assert "Elsewhere" not in page
    everyone = client.get(f"/study-hours/report?show=all&unit={east.id}").get_data(as_text=True)
    assert "Lead" in everyone
    sheet = load_workbook(io.BytesIO(client.get("/study-hours/report.xlsx").data)).active
    assert [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Slow"]
    assert client.get("/study-hours/report?year=9999&unit=abc").status_code == 200
    monkeypatch.setattr(views, "PAGE_ROWS", 1)
    capped = client.get("/study-hours/report?show=all").get_data(as_text=True)
    assert 'data-testid="more-members"' in capped


def test_the_course_certificate_once_the_course_is_complete(client, db, login_as, clock):
    from courses.services import progress  # noqa: PLC0415

    member = UserFactory(display_name="王珺瑶")
    course = make_course(title="保密知识", modules=((30,),), min_read_seconds=0)
    course.study_centihours = 200
    db.session.commit()
    login_as(member)
    assert client.get(f"/courses/{course.id}/certificate.pdf").status_code == 404
    api = client.get(f"/api/v1/courses/{course.id}").get_json()
    assert api["study_hours"] == 2
    assert api["modules"][0]["items"][0]["study_hours"] == 0.5  # 30 minutes
    item = course.modules[0].items[0]
    progress.open_item(member, item.id)
    progress.complete_lesson(member, item.id)
    db.session.commit()

    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert 'data-testid="course-certificate"' in page
    pdf = client.get(f"/courses/{course.id}/certificate.pdf")
    text = _pdf_text(pdf.data)
    assert "王珺瑶" in text and "保密知识" in text and "2" in text
    assert client.get("/study-hours").get_data(as_text=True).count("保密知识") == 1

"""Activity pages for members and organizers."""

from __future__ import annotations

from datetime import timedelta

from courses.services import activities
from tests.courses_factories import make_course
from tests.factories import UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _talk(clock, capacity=None):
    course = make_course(modules=((5,),))
    starts = clock.now + timedelta(minutes=10)
    return activities.add_activity(
        course.modules[0],
        title="Talk",
        description_md="",
        kind="film_screening",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Hall",
        capacity=capacity,
    )


def test_member_registers_and_checks_in(client, db, clock, login_as):
    item = _talk(clock)
    member = UserFactory()
    db.session.commit()
    login_as(member)
    page = client.get(f"/activities/{item.id}", headers=EN).get_data(as_text=True)
    assert 'data-testid="register"' in page
    assert "Film screening" in page
    url = f"/activities/{item.id}"
    submit_form(client, url, form=f"{url}/register")
    wrong = submit_form(
        client, url, {"code": "XXXXXX"}, form=f"{url}/checkin", headers=EN, follow_redirects=True
    )
    assert "This check-in code is not right." in wrong.get_data(as_text=True)
    code = item.activity.checkin_code
    prefilled = client.get(f"{url}?code={code}").get_data(as_text=True)
    assert f'value="{code}"' in prefilled
    submit_form(client, f"{url}?code={code}", form=f"{url}/checkin", page=prefilled)
    assert 'data-testid="attended"' in client.get(f"/activities/{item.id}").get_data(as_text=True)


def test_lesson_url_of_an_activity_leads_to_its_page(client, db, clock, login_as):
    item = _talk(clock)
    db.session.commit()
    login_as(UserFactory())
    assert client.get(f"/lessons/{item.id}").headers["Location"].endswith(f"/activities/{item.id}")


def test_roster_qr_and_export_for_editors_only(client, db, clock, login_as):
    item = _talk(clock)
    organizer = UserFactory(role="organizer")
    member = UserFactory()
    activities.register(member, item.id)
    db.session.commit()
    login_as(organizer)
    assert client.get(f"/manage/activities/{item.id}").status_code == 403
    item.module.course.editors = [organizer]
    db.session.commit()
    roster = client.get(f"/manage/activities/{item.id}").get_data(as_text=True)
    assert item.activity.checkin_code in roster
    qr = client.get(f"/manage/activities/{item.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml"
    assert b"<svg" in qr.data
    url = f"/manage/activities/{item.id}"
    submit_form(client, url, form=f"{url}/attendance/{member.id}", button="1")
    export = client.get(f"/manage/activities/{item.id}/attendance.xlsx")
    assert "attachment" in export.headers["Content-Disposition"]
    csv = client.get(f"/manage/activities/{item.id}/attendance.csv").data.decode("utf-8-sig")
    assert member.username in csv
    old = item.activity.checkin_code
    submit_form(client, url, form=f"{url}/code")
    db.session.expire_all()
    assert item.activity.checkin_code != old


def test_creating_an_activity_through_the_form(client, db, admin, login_as, clock):
    course = make_course(modules=((5,),))
    db.session.commit()
    login_as(admin)
    module = course.modules[0]
    url = f"/manage/modules/{module.id}/activities/new"
    bad = submit_form(
        client,
        url,
        headers=EN,
        changes={
            "title": "Visit",
            "activity_kind": "site_visit",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T08:00",
            "place": "Museum",
        },
    )
    assert "must end after it starts" in bad.get_data(as_text=True)
    good = submit_form(
        client,
        url,
        {
            "title": "Visit",
            "activity_kind": "site_visit",
            "starts_at": "2026-12-01T09:00",
            "ends_at": "2026-12-01T11:30",
            "place": "Museum",
            "capacity": "30",
        },
    )
    assert good.status_code == 302
    db.session.expire_all()
    item = course.modules[0].items[-1]
    assert item.activity.starts_at.isoformat() == "2026-12-01T01:00:00+00:00"  # 09:00 in Shanghai
    assert item.minutes == 150

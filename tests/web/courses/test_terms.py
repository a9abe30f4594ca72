"""The terms a Chinese member or organizer reads: 必修, 积分明细, 北京时间."""

from __future__ import annotations

from lms.points.services import award
from tests.courses_factories import make_course
from tests.factories import UserFactory

ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def test_required_courses_are_called_bixiu(client, db, login_as, admin):
    make_course(title="党章学习", required=True)
    member = UserFactory()
    db.session.commit()
    login_as(member)
    catalogue = client.get("/courses/", headers=ZH).get_data(as_text=True)
    assert "必修" in catalogue
    assert "必填" not in catalogue
    login_as(admin)
    authoring = client.get("/manage/courses/", headers=ZH).get_data(as_text=True)
    assert "必修" in authoring
    assert "必填" not in authoring


def test_the_points_page_shows_a_points_history(client, db, login_as):
    member = UserFactory()
    course = make_course()
    award(member, "lesson_completed", source_type="course_item",
          source_id=course.modules[0].items[0].id, reason="第一课")  # fmt: skip
    db.session.commit()
    login_as(member)
    page = client.get("/points", headers=ZH).get_data(as_text=True)
    assert "积分明细" in page
    assert "修改历史" not in page
    assert "Points history" in client.get("/points", headers=EN).get_data(as_text=True)


def test_times_are_said_to_be_beijing_time(client, db, login_as, admin):
    course = make_course()
    db.session.commit()
    login_as(admin)
    pages = [
        "/manage/quizzes/new",
        "/manage/competitions/new",
        f"/manage/modules/{course.modules[0].id}/activities/new",
    ]
    for path in pages:
        page = client.get(path, headers=ZH).get_data(as_text=True)
        assert "北京时间" in page, path
        assert "Asia/Shanghai" not in page, path
        assert "Beijing time" in client.get(path, headers=EN).get_data(as_text=True), path


def test_another_zone_is_named_as_configured(client, db, login_as, admin, app):
    login_as(admin)
    app.config["TIMEZONE"] = "Asia/Urumqi"
    try:
        page = client.get("/manage/quizzes/new", headers=EN).get_data(as_text=True)
    finally:
        app.config["TIMEZONE"] = "Asia/Shanghai"
    assert "Times are in Asia/Urumqi time." in page

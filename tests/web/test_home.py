"""The home page and the navigation each role sees."""

from __future__ import annotations

from tests.factories import OrgUnitFactory, UserFactory


def test_guest_is_sent_to_login(client):
    assert client.get("/").headers["Location"].endswith("/login")


def test_member_sees_their_unit(client, db, login_as):
    unit = OrgUnitFactory(name="第一小组", parent=OrgUnitFactory(name="示范学院"))
    leader = UserFactory(display_name="王老师", unit=unit)
    unit.leader = leader
    member = UserFactory(unit=unit)
    db.session.commit()
    login_as(member)
    page = client.get("/").get_data(as_text=True)
    assert "示范学院/第一小组" in page
    assert "2 名成员" in page
    assert "王老师" in page
    assert "/admin/users/" not in page


def test_admin_sees_administration(client, admin, login_as):
    login_as(admin)
    page = client.get("/").get_data(as_text=True)
    for href in ("/admin/users/", "/admin/units/", "/admin/settings/", "/admin/users/import"):
        assert f'href="{href}"' in page


def test_organizer_navigation_has_no_admin_links(client, organizer, login_as):
    login_as(organizer)
    page = client.get("/").get_data(as_text=True)
    assert 'href="/admin/' not in page


def test_staff_pages_are_in_one_manage_menu_and_members_have_none(
    client, member, organizer, login_as
):
    login_as(member)
    assert 'data-testid="manage-menu"' not in client.get("/").get_data(as_text=True)
    login_as(organizer)
    page = client.get("/").get_data(as_text=True)
    menu = page.split('data-testid="manage-menu"')[1].split("</details>")[0]
    for href in ("/manage/courses/", "/bank/", "/manage/quizzes", "/manage/competitions/"):
        assert f'href="{href}' in menu
    main_bar = page.split('id="main-menu"')[1].split('data-testid="manage-menu"')[0]
    assert 'href="/quizzes"' in main_bar and 'href="/bank/"' not in main_bar

"""What every page gives keyboard and screen-reader users: a skip link, a labelled site menu,
and labels in the page's language (found by the tour, tools/tour.py)."""

from __future__ import annotations

import pytest

from courses.services import authoring, enrolment


@pytest.mark.parametrize(
    ("language", "skip", "menu"),
    [("zh_Hans", "跳到正文", "主菜单"), ("en", "Skip to content", "Main menu")],
)
def test_a_page_starts_with_a_skip_link_and_labels_its_menu(
    client, db, login_as, member, language, skip, menu
):
    member.language = language
    db.session.commit()
    login_as(member)

    page = client.get("/courses/").get_data(as_text=True)

    body = page.split("<body", 1)[1]
    first_link = body.split("<a ", 1)[1].split("</a>", 1)[0]
    assert 'class="skip-link" href="#main"' in first_link
    assert first_link.endswith(f">{skip}")
    assert '<main class="container" id="main">' in page
    assert f'<nav class="container" aria-label="{menu}">' in page


def test_the_login_page_has_the_skip_link_too(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<a class="skip-link" href="#main">跳到正文</a>' in page


def test_the_progress_bar_is_labelled_in_chinese(client, db, login_as, member):
    course = authoring.create_course(title="课程")
    module = authoring.add_module(course, title="第一单元")
    authoring.add_item(module, kind="lesson", title="第一课", body_md="正文")
    authoring.set_published(course, True)
    enrolment.enrol(member, course)
    db.session.commit()
    login_as(member)

    page = client.get("/courses/").get_data(as_text=True)

    assert 'aria-label="进度"' in page
    assert 'aria-label="Progress"' not in page

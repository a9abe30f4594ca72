"""Member pages: catalogue, course, lesson, enrolling and marking done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.core.clock import utcnow
from tests.courses_factories import add_talk, make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _enrol(client, course_id: int) -> None:
    """Press the course page's enrol button."""
    url = f"/courses/{course_id}"
    assert submit_form(client, url, form=f"{url}/enrol").status_code == 302


@pytest.fixture
def north(db):
    return OrgUnitFactory(name="North")


def test_catalogue_lists_only_what_the_member_may_take(client, db, login_as, north):
    make_course(title="For everyone")
    make_course(title="For the north", units=[north])
    make_course(title="For the south", units=[OrgUnitFactory(name="South")])
    make_course(title="Draft", published=False)
    member = UserFactory(unit=north)
    db.session.commit()
    login_as(member)
    page = client.get("/courses/").get_data(as_text=True)
    assert "For everyone" in page
    assert "For the north" in page
    assert "For the south" not in page
    assert "Draft" not in page
    searched = client.get("/courses/?q=NORTH").get_data(as_text=True)
    assert "For the north" in searched
    assert "For everyone" not in searched
    assert "For everyone" in client.get("/courses/?tag=tag-a").get_data(as_text=True)
    assert "course-card" not in client.get("/courses/?tag=nothing").get_data(as_text=True)


def test_hidden_courses_are_404_even_by_id(client, db, login_as, north):
    south_course = make_course(title="South", units=[OrgUnitFactory(name="South")])
    draft = make_course(title="Draft", published=False)
    login_as(UserFactory(unit=north))
    db.session.commit()
    for course in (south_course, draft):
        assert client.get(f"/courses/{course.id}").status_code == 404
        item_id = course.modules[0].items[0].id
        assert client.get(f"/lessons/{item_id}").status_code == 404
        # by hand: the course page itself is a 404, so only a forged post reaches enrol
        assert client.post(f"/courses/{course.id}/enrol").status_code == 404
    assert client.get("/courses/9999").status_code == 404


def test_enrol_read_and_complete(client, db, login_as, clock, app):
    course = make_course(modules=((5, 5),))
    member = UserFactory()
    db.session.commit()
    login_as(member)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert 'data-testid="enrol"' in page
    _enrol(client, course.id)
    first = course.modules[0].items[0]
    lesson = client.get(f"/lessons/{first.id}", headers=EN).get_data(as_text=True)
    assert "Text of lesson 1.1" in lesson
    assert 'data-wait-seconds="30"' in lesson
    url, done_form = f"/lessons/{first.id}", f"/lessons/{first.id}/complete"
    early = submit_form(client, url, form=done_form, follow_redirects=True, headers=EN)
    assert "Take your time" in early.get_data(as_text=True)
    clock.advance(seconds=app.config["LESSON_MIN_READ_SECONDS"])
    done = submit_form(client, url, form=done_form)
    assert done.headers["Location"].endswith(f"/lessons/{course.modules[0].items[1].id}")
    outline = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "50%" in outline
    home = client.get("/", headers=EN).get_data(as_text=True)
    assert "Continue where you left off" in home
    assert "Study points: 3" in home  # 2 for the lesson, 1 for logging in today


def test_locked_lesson_redirects_with_the_reason(client, db, login_as):
    course = make_course(modules=((5,), (5,)), locked_last=True)
    db.session.commit()
    login_as(UserFactory())
    locked = course.modules[1].items[0]
    response = client.get(f"/lessons/{locked.id}", headers=EN, follow_redirects=True)
    assert "Finish the module “Module 1” first." in response.get_data(as_text=True)


def test_home_offers_lessons_for_spare_minutes(client, db, login_as):
    course = make_course(modules=((12, 4, 3),))
    member = UserFactory()
    db.session.commit()
    login_as(member)
    _enrol(client, course.id)
    page = client.get("/?minutes=5", headers=EN).get_data(as_text=True)
    assert page.index("Lesson 1.3") < page.index("Lesson 1.2")
    assert "Lesson 1.1" not in page.split("spare-time")[1].split("</article>")[0]


@pytest.mark.parametrize(
    ("path", "size"),
    [("/courses/", 500), ("/courses/{course}", 500), ("/lessons/{item}", 500), ("/", 500)],
)
def test_pages_run_the_same_queries_with_5_and_500_lessons(
    client, db, login_as, count_queries, path, size
):
    member = UserFactory()
    db.session.commit()
    login_as(member)

    def queries(lessons: int, title: str) -> int:
        course = make_course(title=title, modules=[(5,) * (lessons // 5)] * 5)
        db.session.commit()
        _enrol(client, course.id)
        url = path.format(course=course.id, item=course.modules[0].items[0].id)
        client.get(url)  # the first visit records the opening
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    small = queries(5 * 5, "small")
    assert queries(size, "large") == small


def _nav(client, item_id: int) -> tuple[str | None, str | None]:
    page = client.get(f"/lessons/{item_id}", headers=EN).get_data(as_text=True)
    found = []
    for testid in ("previous-item", "next-item"):
        marker = f'data-testid="{testid}"'
        found.append(page.split(marker)[1].split("</a>")[0] if marker in page else None)
    return found[0], found[1]


def test_lessons_link_to_the_previous_and_next_item_across_modules(client, db, login_as):
    course = make_course(modules=((5, 5), (5,)), locked_last=False)
    first, second = course.modules[0].items
    (third,) = course.modules[1].items
    member = UserFactory()
    db.session.commit()
    login_as(member)
    previous, following = _nav(client, first.id)
    assert previous is None and "Lesson 1.2" in following
    previous, following = _nav(client, second.id)
    assert "Lesson 1.1" in previous and "Lesson 2.1" in following
    assert f'href="/lessons/{third.id}"' in client.get(f"/lessons/{second.id}").get_data(True)
    previous, following = _nav(client, third.id)
    assert "Lesson 1.2" in previous and following is None


def test_a_locked_module_is_not_offered_as_next(client, db, login_as):
    course = make_course(modules=((5,), (5,)), locked_last=True)
    member = UserFactory()
    db.session.commit()
    login_as(member)
    assert _nav(client, course.modules[0].items[0].id) == (None, None)


def test_an_activity_links_back_to_the_lesson_before_it(client, db, login_as):
    course = make_course(modules=((5,),))
    talk = add_talk(course.modules[0], utcnow() + timedelta(days=1))
    member = UserFactory()
    db.session.commit()
    login_as(member)
    page = client.get(f"/activities/{talk.id}", headers=EN).get_data(as_text=True)
    assert f'href="/lessons/{course.modules[0].items[0].id}" rel="prev"' in page
    assert 'data-testid="next-item"' not in page

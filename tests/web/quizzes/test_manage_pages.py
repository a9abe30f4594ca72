"""Quiz authoring pages: the list, settings forms, slots from the bank, publishing, courses."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest

from courses.models import CourseItem
from lms.core.extensions import db as _db
from question_bank.services import categories
from quizzes.models import Quiz
from quizzes.services import attempts, authoring
from quizzes.services.authoring import QuizSettings, SlotSpec
from tests.courses_factories import make_course
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import read_form, submit_form
from tests.quiz_factories import make_bank, make_quiz

SETTINGS = {
    "title": "期中测验",
    "description_md": "Read **carefully**.",
    "time_limit_minutes": "30",
    "grace_seconds": "45",
    "opens_at": "2026-03-01T09:00",
    "closes_at": "2026-03-01T18:00",
    "max_attempts": "2",
    "grading": "last",
    "pass_percent": "60",
    "shuffle_questions": True,
    "shuffle_options": False,
    "layout": "one",
    "feedback": "immediate",
    "review_marks": "after_attempt",
    "review_answers": "after_close",
    "review_explanations": "never",
}


def _text(response) -> str:
    return unescape(response.get_data(as_text=True))


def _quiz(title: str = "期中测验") -> Quiz:
    return _db.session.query(Quiz).filter_by(title=title).one()


@pytest.fixture(autouse=True)
def _english(client, csrf_enabled):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def _token(client) -> str:
    """A CSRF token from a page, for the posts a test makes by hand."""
    return read_form(client, "/manage/quizzes/new").values()["csrf_token"]


@pytest.fixture
def staff(login_as, organizer):
    return login_as(organizer)


def test_members_and_guests_are_kept_out(client, db, login_as, member):
    assert client.get("/manage/quizzes").status_code == 302
    login_as(member)
    assert client.get("/manage/quizzes").status_code == 403
    assert client.get("/manage/quizzes/new").status_code == 403


def test_staff_navigation_links_the_quiz_list(client, db, login_as, member, staff):
    assert 'href="/manage/quizzes"' in client.get("/").get_data(as_text=True)
    login_as(member)
    assert 'href="/manage/quizzes"' not in client.get("/").get_data(as_text=True)


def test_create_quiz_with_every_setting(client, db, staff):
    unit = OrgUnitFactory(name="North")
    db.session.commit()

    response = submit_form(client, "/manage/quizzes/new", {**SETTINGS, "unit_ids": [unit.id]})

    quiz = _quiz()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/manage/quizzes/{quiz.id}")
    assert quiz.time_limit_seconds == 1800
    assert quiz.grace_seconds == 45
    # Typed in the site's time zone (Asia/Shanghai, UTC+8), stored in UTC.
    assert quiz.opens_at == datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
    assert quiz.closes_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert (quiz.max_attempts, quiz.grading, quiz.pass_percent) == (2, "last", 60.0)
    assert quiz.shuffle_questions and not quiz.shuffle_options and quiz.one_per_page
    assert quiz.feedback == "immediate"
    assert (quiz.review_marks, quiz.review_answers, quiz.review_explanations) == (
        "after_attempt",
        "after_close",
        "never",
    )
    assert [u.id for u in quiz.units] == [unit.id]
    assert quiz.created_by_id is not None
    assert not quiz.is_published


def test_empty_limits_mean_none_and_unlimited(client, db, staff):
    data = {
        **SETTINGS,
        "time_limit_minutes": "",
        "max_attempts": "",
        "opens_at": "",
        "closes_at": "",
    }
    submit_form(client, "/manage/quizzes/new", data)
    quiz = _quiz()
    assert quiz.time_limit_seconds is None and quiz.max_attempts is None
    assert quiz.opens_at is None and quiz.closes_at is None


def test_new_form_starts_from_the_defaults(client, db, staff):
    page = _text(client.get("/manage/quizzes/new"))
    assert 'name="grace_seconds" required type="number" value="60"' in page
    assert '<input checked id="shuffle_options"' in page
    assert '<input id="shuffle_questions"' in page
    assert 'name="max_attempts" type="number" value="1"' in page
    for name, value in (("review_marks", "after_attempt"), ("review_answers", "after_close")):
        chosen = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        assert f'<option selected value="{value}">' in chosen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_at": "2026-03-01T08:00"}, "The quiz must close after it opens."),
        ({"grace_seconds": "7200"}, "The grace period is between 0 seconds and one hour."),
        ({"max_attempts": "0"}, "Allow between 1 and 100 attempts, or leave it unlimited."),
        ({"pass_percent": "120"}, "The pass mark is a percentage between 0 and 100."),
        ({"time_limit_minutes": "2000"}, "The time limit is between 1 second and 24 hours."),
    ],
)
def test_service_refusals_re_render_the_form(client, db, staff, change, message):
    response = submit_form(client, "/manage/quizzes/new", {**SETTINGS, **change})
    assert response.status_code == 200
    assert message in _text(response)
    assert _db.session.query(Quiz).count() == 0


def test_form_shape_errors_re_render(client, db, staff):
    response = submit_form(
        client, "/manage/quizzes/new", {**SETTINGS, "title": "", "grace_seconds": ""}
    )
    assert response.status_code == 200
    assert 'id="title-errors"' in response.get_data(as_text=True)
    assert 'id="grace_seconds-errors"' in response.get_data(as_text=True)
    assert _db.session.query(Quiz).count() == 0


def test_edit_shows_local_times_and_saves(client, db, staff):
    submit_form(client, "/manage/quizzes/new", SETTINGS)
    quiz = _quiz()

    page = _text(client.get(f"/manage/quizzes/{quiz.id}/edit"))
    assert 'value="2026-03-01T09:00"' in page
    assert 'name="time_limit_minutes" type="number" value="30"' in page
    assert '<option selected value="one">' in page

    response = submit_form(
        client,
        f"/manage/quizzes/{quiz.id}/edit",
        {"title": "期末测验", "time_limit_minutes": "", "layout": "all"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert quiz.title == "期末测验" and quiz.time_limit_seconds is None and not quiz.one_per_page


def test_edit_refusal_keeps_the_old_settings(client, db, staff):
    submit_form(client, "/manage/quizzes/new", SETTINGS)
    quiz = _quiz()
    response = submit_form(
        client, f"/manage/quizzes/{quiz.id}/edit", {"closes_at": "2026-02-01T08:00"}
    )
    assert response.status_code == 200
    db.session.expire_all()
    assert quiz.closes_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_unknown_quiz_is_404(client, db, staff):
    assert client.get("/manage/quizzes/999").status_code == 404
    assert client.get("/manage/quizzes/999/edit").status_code == 404
    # By hand: no page offers to publish a quiz that does not exist.
    publish = client.post("/manage/quizzes/999/publish", data={"csrf_token": _token(client)})
    assert publish.status_code == 404


def test_list_shows_state_size_marks_and_attempts(client, db, staff, member):
    quiz = make_quiz(make_bank(types=("true_false", "single_choice")), title="Weekly")
    make_quiz([], published=False, title="Empty draft")
    attempts.start(member, quiz)
    db.session.commit()

    page = _text(client.get("/manage/quizzes"))

    weekly = page.split("Weekly", 1)[1].split("</tr>", 1)[0]
    assert "<td>2</td>" in weekly  # questions
    assert "<td>4</td>" in weekly  # marks: 2 × 2
    assert "<td>1</td>" in weekly  # attempts
    draft = page.split("Empty draft", 1)[1].split("</tr>", 1)[0]
    assert "<mark>" in draft


def test_list_queries_do_not_grow_with_quizzes(client, db, staff, member, count_queries):
    bank = make_bank(types=("true_false",))

    def add_quiz(n: int) -> None:
        unit = OrgUnitFactory()
        quiz = make_quiz(bank, title=f"Quiz {n}", units=[unit])
        attempts.start(UserFactory(unit=unit), quiz)
        db.session.commit()

    add_quiz(0)
    client.get("/manage/quizzes")  # the day's first request also records the daily login point
    db.session.expire_all()  # as after each commit of add_quiz: the user is read again
    with count_queries() as few:
        assert client.get("/manage/quizzes").status_code == 200
    for n in range(1, 6):
        add_quiz(n)
    with count_queries() as many:
        page = client.get("/manage/quizzes").get_data(as_text=True)
    assert page.count('data-testid="quiz-row"') == 6
    assert many.count == few.count


def _quiz_with_bank(title: str = "Built"):
    bank = make_bank("Law/Basics", types=("true_false", "single_choice", "numerical"))
    make_bank("Law/Advanced", types=("multiple_choice",))
    quiz = authoring.create_quiz(QuizSettings(title=title))
    _db.session.commit()
    return quiz, bank


def test_add_a_fixed_question_by_number_and_refusals(client, db, staff):
    quiz, bank = _quiz_with_bank()
    page, form = f"/manage/quizzes/{quiz.id}", f"/manage/quizzes/{quiz.id}/slots/question"

    def add(question_id: int, mark: str):
        return submit_form(client, page, {"question_id": question_id, "mark": mark}, form=form)

    response = add(bank[0].id, "2.5")
    assert response.status_code == 302
    assert [(s.question_id, s.mark) for s in quiz.slots] == [(bank[0].id, 2.5)]

    again = add(bank[0].id, "1")
    assert again.status_code == 200
    assert "This question is already in the quiz." in _text(again)
    huge = add(10**20, "1")
    assert huge.status_code == 200
    assert 'id="question_id-errors"' in huge.get_data(as_text=True)
    missing = add(9999, "1")
    assert "There is no question #9999." in _text(missing)
    assert 'id="question_id-errors"' in missing.get_data(as_text=True)
    bad_mark = add(bank[1].id, "0")
    assert "A slot's mark is more than 0 and at most 1000." in _text(bad_mark)
    db.session.expire_all()
    assert len(quiz.slots) == 1


def test_search_the_bank_by_text_and_category(client, db, staff):
    quiz, _bank = _quiz_with_bank()
    basics = categories.by_path("Law/Basics")

    by_text = _text(client.get(f"/manage/quizzes/{quiz.id}?q=pi+to"))
    assert by_text.count('data-testid="search-result"') == 1
    assert "Pi to two decimals?" in by_text
    by_category = _text(client.get(f"/manage/quizzes/{quiz.id}?category={basics.id}"))
    assert by_category.count('data-testid="search-result"') == 3
    assert "Prime numbers?" not in by_category
    assert 'data-testid="search-results"' not in _text(client.get(f"/manage/quizzes/{quiz.id}"))


def test_add_a_question_found_in_the_bank_with_its_mark(client, db, staff):
    quiz, bank = _quiz_with_bank()
    found = f"/manage/quizzes/{quiz.id}?q=pi+to"
    added = submit_form(client, found, {"mark": "3"}, form=f"add-found-{bank[2].id}")
    assert added.status_code == 302
    db.session.expire_all()
    assert [(s.question_id, s.mark) for s in quiz.slots] == [(bank[2].id, 3.0)]


def test_random_rule_added_or_refused_with_the_services_message(client, db, staff):
    quiz, _bank = _quiz_with_bank()
    law = categories.by_path("Law")
    page, form = f"/manage/quizzes/{quiz.id}", f"/manage/quizzes/{quiz.id}/slots/rule"
    rule = {"category_id": law.id, "include_subcategories": True, "count": "4", "mark": "1.5"}

    def add(changes: dict):
        return submit_form(client, page, {**rule, **changes}, form=form)

    assert add({}).status_code == 302
    slot = quiz.slots[0]
    assert (slot.category_id, slot.count, slot.mark, slot.include_subcategories) == (
        law.id,
        4,
        1.5,
        True,
    )

    too_many = add({"count": "5"})
    assert too_many.status_code == 200
    assert "Only 4 questions match this rule; it needs 5." in _text(too_many)
    assert 'id="count-errors"' in too_many.get_data(as_text=True)
    own_only = add({"include_subcategories": False, "count": "1"})
    assert "Only 0 questions match this rule; it needs 1." in _text(own_only)
    typed = add({"type": "numerical", "difficulty": "", "count": "1"})
    assert typed.status_code == 302
    db.session.expire_all()
    assert [(s.count, s.type) for s in quiz.slots] == [(4, None), (1, "numerical")]


def test_slot_list_shows_stems_and_rules(client, db, staff):
    quiz, bank = _quiz_with_bank()
    authoring.add_slot(quiz, SlotSpec(question_id=bank[0].id, mark=2))
    authoring.add_slot(quiz, SlotSpec(category=categories.by_path("Law"), count=2))
    db.session.commit()

    page = _text(client.get(f"/manage/quizzes/{quiz.id}"))

    assert page.count('data-testid="slot"') == 2
    assert 'data-testid="slot-stem"><p>Capital of France?</p>' in page
    assert "2 random questions from Law" in page
    assert "3 questions" in page  # 1 fixed + 2 drawn
    assert f'href="/manage/quizzes/{quiz.id}/results"' in page


def test_remove_and_move_slots(client, db, staff):
    quiz, bank = _quiz_with_bank()
    first, second, third = (authoring.add_slot(quiz, SlotSpec(question_id=q.id)) for q in bank)
    db.session.commit()
    page, base = f"/manage/quizzes/{quiz.id}", f"/manage/quizzes/{quiz.id}/slots"

    submit_form(client, page, form=f"{base}/{third.id}/move", button="up")
    db.session.expire_all()
    assert [s.id for s in quiz.slots] == [first.id, third.id, second.id]
    submit_form(client, page, form=f"{base}/{first.id}/move", button="down")
    db.session.expire_all()
    assert [s.id for s in quiz.slots] == [third.id, first.id, second.id]

    submit_form(client, page, form=f"{base}/{first.id}/remove")
    db.session.expire_all()
    assert [(s.id, s.position) for s in quiz.slots] == [(third.id, 0), (second.id, 1)]
    # By hand: a forged slot id, which no page shows.
    response = client.post(
        f"{base}/99999/remove",
        data={"csrf_token": _token(client)},
        follow_redirects=True,
    )
    assert "This slot is not part of the quiz." in _text(response)


def test_changing_a_taken_quiz_warns_that_past_attempts_keep_their_questions(
    client, db, staff, member
):
    quiz = make_quiz(make_bank(types=("true_false", "single_choice")))
    attempts.start(member, quiz)
    db.session.commit()

    page = _text(client.get(f"/manage/quizzes/{quiz.id}"))
    assert 'data-testid="attempts-notice"' in page
    response = submit_form(
        client,
        f"/manage/quizzes/{quiz.id}",
        form=f"/manage/quizzes/{quiz.id}/slots/{quiz.slots[0].id}/remove",
        follow_redirects=True,
    )
    assert "Attempts already made keep the questions they drew." in _text(response)
    db.session.expire_all()
    assert len(quiz.slots) == 1
    assert len(attempts.attempts_of(member, quiz)[0].items) == 2


def test_publish_needs_a_question_and_toggles(client, db, staff):
    quiz, bank = _quiz_with_bank()
    page, url = f"/manage/quizzes/{quiz.id}", f"/manage/quizzes/{quiz.id}/publish"

    refused = submit_form(client, page, form=url, follow_redirects=True)
    assert "Add at least one question before publishing." in _text(refused)
    db.session.expire_all()
    assert not quiz.is_published

    authoring.add_slot(quiz, SlotSpec(question_id=bank[0].id))
    db.session.commit()
    submit_form(client, page, form=url)
    db.session.expire_all()
    assert quiz.is_published
    submit_form(client, page, form=url)
    db.session.expire_all()
    assert not quiz.is_published


def test_attach_to_a_course_the_organizer_edits(client, db, login_as, organizer):
    login_as(organizer)
    quiz = make_quiz(make_bank(types=("true_false",)))
    mine = make_course(title="Mine", modules=((5,),))
    theirs = make_course(title="Theirs", modules=((5,),))
    mine.editors.append(organizer)
    db.session.commit()

    url, attach = f"/manage/quizzes/{quiz.id}", f"/manage/quizzes/{quiz.id}/attach"
    before = client.get(url).get_data(as_text=True)
    page = unescape(before)
    assert "Mine · Module 1" in page
    assert "Theirs" not in page

    # By hand: a forged module id, of a course the page does not offer.
    refused = client.post(
        attach, data={"module_id": theirs.modules[0].id, "csrf_token": _token(client)}
    )
    assert refused.status_code == 302
    db.session.expire_all()
    assert quiz.item_id is None

    submit_form(client, url, {"module_id": mine.modules[0].id}, form=attach)
    db.session.expire_all()
    item = _db.session.get(CourseItem, quiz.item_id)
    assert (item.kind, item.module_id, item.title) == ("quiz", mine.modules[0].id, quiz.title)
    page = _text(client.get(f"/manage/quizzes/{quiz.id}"))
    assert f'href="/courses/{mine.id}" data-testid="course-link">Mine</a>' in page
    assert 'data-testid="attach"' not in page

    # The same form again from a tab still open on the page as it was before.
    again = submit_form(
        client,
        url,
        {"module_id": mine.modules[0].id},
        form=attach,
        page=before,
        follow_redirects=True,
    )
    assert "This quiz is already part of a course." in _text(again)


def test_admin_may_attach_to_any_course(client, db, login_as, admin):
    login_as(admin)
    quiz = make_quiz(make_bank(types=("true_false",)))
    course = make_course(title="Any", modules=((5,), (5,)))
    db.session.commit()
    page = _text(client.get(f"/manage/quizzes/{quiz.id}"))
    assert "Any · Module 1" in page and "Any · Module 2" in page
    submit_form(
        client,
        f"/manage/quizzes/{quiz.id}",
        {"module_id": course.modules[1].id},
        form=f"/manage/quizzes/{quiz.id}/attach",
    )
    db.session.expire_all()
    assert authoring.quiz_of_item(quiz.item_id).id == quiz.id
    to_quiz = client.get(f"/manage/quizzes/item/{quiz.item_id}")
    assert to_quiz.headers["Location"].endswith(f"/manage/quizzes/{quiz.id}")
    lesson = course.modules[0].items[0]
    assert client.get(f"/manage/quizzes/item/{lesson.id}").status_code == 404


def test_the_course_outline_edits_a_quiz_item_on_the_quiz_page(client, db, login_as, admin):
    login_as(admin)
    quiz = make_quiz(make_bank(types=("true_false",)))
    course = make_course(title="Outline", modules=((5,),))
    authoring.attach_to_module(quiz, course.modules[0])
    lesson = course.modules[0].items[0]
    db.session.commit()
    page = _text(client.get(f"/manage/courses/{course.id}"))
    assert f"/manage/quizzes/item/{quiz.item_id}" in page
    assert f"/manage/items/{lesson.id}" in page

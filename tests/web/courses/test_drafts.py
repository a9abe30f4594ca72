"""Draft modules and items stay hidden from members inside a published course."""

from __future__ import annotations

from courses.services import authoring, progress
from tests.courses_factories import make_course
from tests.factories import UserFactory
from tests.formfill import submit_form


def test_draft_items_and_modules_are_hidden(client, db, login_as, admin):
    course = make_course(modules=((5, 5), (5,)), min_read_seconds=0)
    shown, draft = course.modules[0].items
    hidden_module = course.modules[1]
    authoring.set_item_published(draft, False)
    authoring.set_module_published(hidden_module, False)
    member = UserFactory()
    db.session.commit()

    login_as(member)
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert shown.title in page
    assert draft.title not in page
    assert hidden_module.title not in page
    assert client.get(f"/lessons/{draft.id}").status_code == 404
    assert client.get(f"/lessons/{hidden_module.items[0].id}").status_code == 404
    submit_form(client, f"/lessons/{shown.id}", form=f"/lessons/{shown.id}/complete")
    state = progress.progress_of(member, progress.load_course(course.id))
    assert state.percent == 100  # the drafts do not count
    assert state.enrolment.completed_at is not None
    listing = client.get("/api/v1/courses").get_json()
    assert listing["items"][0]["progress"] == 100

    login_as(admin)
    outline = client.get(f"/manage/courses/{course.id}").get_data(as_text=True)
    assert 'data-testid="draft-item"' in outline
    assert 'data-testid="draft-module"' in outline
    submit_form(client, f"/manage/courses/{course.id}", form=f"/manage/items/{draft.id}/publish")
    db.session.expire_all()
    login_as(member)
    assert draft.title in client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert client.get(f"/lessons/{draft.id}").status_code == 200

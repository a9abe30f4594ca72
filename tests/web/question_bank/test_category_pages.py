"""The bank's category pages: create, rename, move, delete only when empty."""

from __future__ import annotations

from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def test_category_tree_pages(client, db, organizer, login_as, csrf_enabled):
    login_as(organizer)
    created = submit_form(client, "/bank/categories/new", {"name": "党史"})
    assert created.status_code == 302
    top = categories.by_path("党史")
    submit_form(client, "/bank/categories/new", {"name": "建党", "parent_id": top.id})
    child = categories.by_path("党史/建党")
    other = categories.ensure_path("理论")
    db.session.commit()
    submit_form(
        client, f"/bank/categories/{child.id}/edit", {"name": "建党时期", "parent_id": other.id}
    )
    db.session.expire_all()
    assert categories.by_path("理论/建党时期") is not None
    bad = submit_form(client, "/bank/categories/new", {"name": "a/b"}, headers=EN)
    assert "cannot contain" in bad.get_data(as_text=True)
    page = client.get("/bank/categories/").get_data(as_text=True)
    assert "建党时期" in page


def test_delete_refused_while_not_empty(client, db, organizer, login_as, csrf_enabled):
    category = categories.ensure_path("法规")
    questions.create_question(
        category, QuestionContent(type="true_false", stem_md="Q", definition={"correct": True})
    )
    db.session.commit()
    login_as(organizer)
    response = submit_form(
        client,
        "/bank/categories/",
        form=f"/bank/categories/{category.id}/delete",
        headers=EN,
        follow_redirects=True,
    )
    assert "is not empty" in response.get_data(as_text=True)
    assert categories.by_path("法规") is not None

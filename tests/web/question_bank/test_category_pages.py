"""The bank's category pages: create, rename, move, delete only when empty."""

from __future__ import annotations

from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent

EN = {"Accept-Language": "en"}


def test_category_tree_pages(client, db, organizer, login_as):
    login_as(organizer)
    assert (
        client.post("/bank/categories/new", data={"name": "党史", "parent_id": 0}).status_code
        == 302
    )
    top = categories.by_path("党史")
    client.post("/bank/categories/new", data={"name": "建党", "parent_id": top.id})
    child = categories.by_path("党史/建党")
    other = categories.ensure_path("理论")
    db.session.commit()
    client.post(
        f"/bank/categories/{child.id}/edit", data={"name": "建党时期", "parent_id": other.id}
    )
    db.session.expire_all()
    assert categories.by_path("理论/建党时期") is not None
    bad = client.post("/bank/categories/new", data={"name": "a/b", "parent_id": 0}, headers=EN)
    assert "cannot contain" in bad.get_data(as_text=True)
    page = client.get("/bank/categories/").get_data(as_text=True)
    assert "建党时期" in page


def test_delete_refused_while_not_empty(client, db, organizer, login_as):
    category = categories.ensure_path("法规")
    questions.create_question(
        category, QuestionContent(type="true_false", stem_md="Q", definition={"correct": True})
    )
    db.session.commit()
    login_as(organizer)
    response = client.post(
        f"/bank/categories/{category.id}/delete", headers=EN, follow_redirects=True
    )
    assert "is not empty" in response.get_data(as_text=True)
    assert categories.by_path("法规") is not None

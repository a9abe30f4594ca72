"""The bank's pages and API: staff only, filters, bulk actions, history, sanitised previews."""

from __future__ import annotations

from question_bank.models import Question
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from tests.factories import PASSWORD, UserFactory

EN = {"Accept-Language": "en"}


def _question(path: str = "党史", stem: str = "一大在哪里召开？", **change):
    content = QuestionContent(
        type="single_choice",
        stem_md=stem,
        definition={
            "options": [{"id": "a", "text": "上海"}, {"id": "b", "text": "北京"}],
            "correct": "a",
        },
        difficulty=2,
    )
    return questions.create_question(
        categories.ensure_path(path), QuestionContent(**{**content.__dict__, **change})
    )


def test_members_never_reach_the_bank(client, db, member, login_as):
    question = _question()
    db.session.commit()
    login_as(member)
    assert client.get("/bank/").status_code == 403
    assert client.get(f"/bank/questions/{question.id}").status_code == 403
    assert client.get("/api/v1/questions").status_code == 403
    assert 'href="/bank/"' not in client.get("/").get_data(as_text=True)


def test_list_filters_and_constant_queries(client, db, organizer, login_as, count_queries):
    _question("党史", "第一题", difficulty=1)
    _question("法规", "第二题", type="true_false", definition={"correct": True})
    db.session.commit()
    login_as(organizer)
    page = client.get("/bank/").get_data(as_text=True)
    assert "第一题" in page
    assert "第二题" in page
    by_type = client.get("/bank/?type=true_false").get_data(as_text=True)
    assert "第二题" in by_type
    assert "第一题" not in by_type
    by_category = client.get(f"/bank/?category={categories.by_path('党史').id}")
    assert "第二题" not in by_category.get_data(as_text=True)
    assert "第一题" in client.get("/bank/?difficulty=1").get_data(as_text=True)

    def queries() -> int:
        client.get("/bank/")  # the same warm-up each time: the session reloads the user
        with count_queries() as counter:
            client.get("/bank/")
        return counter.count

    few = queries()
    for n in range(60):
        _question(f"分类{n % 7}", f"题目 {n}")
    db.session.commit()
    assert queries() == few


def test_bulk_move_tag_and_retire(client, db, organizer, login_as):
    first, second = _question(stem="甲"), _question(stem="乙")
    target = categories.ensure_path("目标")
    db.session.commit()
    login_as(organizer)
    ids = [first.id, second.id]
    client.post("/bank/bulk", data={"ids": ids, "action": "move", "category_id": target.id})
    client.post("/bank/bulk", data={"ids": ids, "action": "tag", "tag": "重点"})
    client.post("/bank/bulk", data={"ids": [first.id], "action": "retire"})
    db.session.expire_all()
    moved = db.session.get(Question, first.id)
    assert moved.category.path == "目标"
    assert [t.name for t in moved.tags] == ["重点"]
    assert moved.is_retired
    assert not db.session.get(Question, second.id).is_retired
    refused = client.post(
        "/bank/bulk", data={"action": "retire"}, headers=EN, follow_redirects=True
    )
    assert "Select at least one question." in refused.get_data(as_text=True)


def test_question_page_shows_preview_history_and_duplicates(client, db, organizer, login_as):
    question = _question(stem="**粗体** <script>alert(1)</script> [x](javascript:alert(1))")
    _question(stem="粗体 script alert(1) x javascript:alert(1)")  # another question
    questions.edit_question(
        question,
        QuestionContent(
            type="single_choice",
            stem_md=question.current.stem_md,
            definition={
                "options": [{"id": "a", "text": "上海"}, {"id": "b", "text": "嘉兴"}],
                "correct": "a",
            },
            difficulty=3,
        ),
    )
    db.session.commit()
    login_as(organizer)
    page = client.get(f"/bank/questions/{question.id}", headers=EN).get_data(as_text=True)
    assert "<strong>粗体</strong>" in page
    assert "<script>alert" not in page
    assert "javascript:alert" not in page
    assert "v2" in page
    assert 'data-testid="history-entry"' in page
    assert "嘉兴" in page
    assert 'data-testid="correct-answer">上海' in page


def test_api_lists_and_creates(client, db):
    organizer = UserFactory(role="organizer")
    _question("党史", "旧题")
    db.session.commit()
    token = client.post(
        "/api/v1/auth/token", json={"username": organizer.username, "password": PASSWORD}
    ).get_json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/v1/questions",
        headers=auth,
        json={
            "type": "fill_blank",
            "category": "党史/一大",
            "stem": "一大召开于{{1}}年。",
            "definition": {"blanks": [["1921"]]},
            "tags": ["一大"],
            "difficulty": 2,
        },
    )
    assert created.status_code == 201
    body = created.get_json()
    assert (body["category"], body["version"], body["tags"]) == ("党史/一大", 1, ["一大"])
    listing = client.get("/api/v1/questions?category=党史&type=fill_blank", headers=auth)
    assert [q["id"] for q in listing.get_json()["items"]] == [body["id"]]
    assert listing.get_json()["total"] == 1
    bad = client.post(
        "/api/v1/questions",
        headers=auth,
        json={"type": "fill_blank", "category": "党史", "stem": "no blanks", "definition": {}},
    )
    assert bad.status_code == 422
    assert client.get("/api/v1/questions?category=不存在", headers=auth).status_code == 422

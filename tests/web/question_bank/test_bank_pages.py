"""The bank's pages and API: staff only, filters, bulk actions, history, sanitised previews."""

from __future__ import annotations

from question_bank.models import Question
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from tests.factories import PASSWORD, UserFactory
from tests.formfill import read_form, submit_form

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
    many = [
        (
            categories.ensure_path(f"分类{n % 7}"),
            QuestionContent(type="true_false", stem_md=f"题目 {n}", definition={"correct": True}),
            [f"标签{n % 5}"],
        )
        for n in range(2000)
    ]
    questions.create_many(many)
    db.session.commit()
    assert queries() == few


def test_bulk_move_tag_and_retire(client, db, organizer, login_as, csrf_enabled):
    first, second = _question(stem="甲"), _question(stem="乙")
    target = categories.ensure_path("目标")
    db.session.commit()
    login_as(organizer)
    ids = [first.id, second.id]
    submit_form(
        client, "/bank/", {"ids": ids, "category_id": target.id}, form="bulk", button="move"
    )
    submit_form(client, "/bank/", {"ids": ids, "tag": "重点"}, form="bulk", button="tag")
    submit_form(client, "/bank/", {"ids": [first.id]}, form="bulk", button="retire")
    db.session.expire_all()
    moved = db.session.get(Question, first.id)
    assert moved.category.path == "目标"
    assert [t.name for t in moved.tags] == ["重点"]
    assert moved.is_retired
    assert not db.session.get(Question, second.id).is_retired
    refused = submit_form(
        client, "/bank/", form="bulk", button="retire", headers=EN, follow_redirects=True
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


CASES = {
    "single_choice": {"options": "上海\n北京\n嘉兴", "correct": "1"},
    "multiple_choice": {
        "options": "甲\n乙\n丙",
        "correct": "1, 3",
        "scoring": "partial",
        "penalty": "0.5",
    },
    "true_false": {"truth": "false"},
    "fill_blank": {"stem": "一大召开于{{1}}年，在{{2}}。", "answers": "1921\n上海 | 上海市"},
    "numerical": {"value": "9.8", "tolerance": "0.1", "units": "m/s², 米每二次方秒"},
    "matching": {"pairs": "遵义会议 = 1935\n古田会议 = 1929"},
    "short_answer": {"reference": "要点一；要点二"},
}


def test_authors_write_every_type_with_the_fields_the_page_shows(
    client, db, organizer, login_as, csrf_enabled
):
    login_as(organizer)
    for kind, extra in CASES.items():
        data = {
            "category_path": "党史/测试",
            "stem": f"{kind} 题",
            "difficulty": "2",
            "default_mark": "1.5",
            "tags": "测试",
            **extra,
        }
        response = submit_form(client, f"/bank/questions/new?type={kind}", data, headers=EN)
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[-3000:])
    db.session.expire_all()
    saved = {q.current.type: q for q in db.session.query(Question)}
    assert set(saved) == set(CASES)
    assert saved["multiple_choice"].current.definition["correct"] == ["a", "c"]
    assert saved["multiple_choice"].current.definition["scoring"] == "partial"
    assert saved["true_false"].current.definition["correct"] is False
    assert saved["fill_blank"].current.definition["blanks"] == [["1921"], ["上海", "上海市"]]
    assert saved["matching"].current.definition["pairs"][1]["right"] == "1929"
    assert saved["single_choice"].current.default_mark == 1.5

    edit_form = read_form(client, f"/bank/questions/{saved['fill_blank'].id}/edit")
    assert edit_form.values()["answers"] == "1921\n上海 | 上海市"
    for kind, question in saved.items():
        before = question.current.definition
        response = submit_form(client, f"/bank/questions/{question.id}/edit", {"difficulty": 4})
        assert response.status_code == 302, (kind, response.get_data(as_text=True)[-3000:])
        db.session.expire_all()
        assert question.current.number == 2, kind
        assert question.current.difficulty == 4, kind
        assert question.current.definition == before, kind


def test_every_type_saves_with_only_its_defaults(client, db, organizer, login_as, csrf_enabled):
    """The selects of choice types need no touching: the page's own defaults are valid."""
    login_as(organizer)
    for kind in ("multiple_choice", "true_false"):
        data = {"category_path": "党史", "stem": f"{kind} 题"}
        if kind == "multiple_choice":
            data.update(options="甲\n乙", correct="1, 2")
        response = submit_form(client, f"/bank/questions/new?type={kind}", data)
        assert response.status_code == 302, kind
    db.session.expire_all()
    saved = {q.current.type: q.current.definition for q in db.session.query(Question)}
    assert saved["multiple_choice"]["scoring"] == "all"
    assert saved["true_false"]["correct"] is True


def test_bad_question_input_shows_every_error(client, db, organizer, login_as, csrf_enabled):
    login_as(organizer)
    base = {"category_path": "x", "stem": "题", "difficulty": "2", "default_mark": "1"}
    cases = [
        ("single_choice", {"options": "甲\n乙", "correct": "3"}, "correct options"),
        ("single_choice", {"options": "甲", "correct": "1"}, "2 to 10 options"),
        ("fill_blank", {"answers": "1921"}, "Mark each blank"),
        ("matching", {"pairs": "no separator"}, "left = right"),
        ("numerical", {"value": ""}, "correct number"),
        ("single_choice", {"options": "甲\n乙", "correct": "1", "difficulty": "9"}, "between 1"),
        ("true_false", {"stem": ""}, "This field is required."),
    ]
    for kind, extra, message in cases:
        url = f"/bank/questions/new?type={kind}"
        response = submit_form(client, url, {**base, **extra}, headers=EN)
        assert response.status_code == 200, kind
        page = response.get_data(as_text=True)
        assert message in page, (kind, message)
        assert 'data-testid="error-summary"' in page, kind
        assert 'class="field-errors"' in page, kind
        assert "The form expired" not in page, kind
    assert db.session.query(Question).count() == 0


def test_a_field_error_shows_beside_the_field_and_in_the_summary(client, db, organizer, login_as):
    login_as(organizer)
    response = submit_form(
        client,
        "/bank/questions/new?type=single_choice",
        {"category_path": "x", "stem": "题", "options": "甲\n乙", "correct": "1", "difficulty": 9},
        headers=EN,
    )
    page = response.get_data(as_text=True)
    start = page.index('data-testid="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert 'href="#difficulty"' in summary
    assert "Difficulty (1–5)" in summary
    assert 'id="difficulty-errors"' in page
    assert 'aria-describedby="difficulty-errors"' in page


def test_live_preview_renders_what_members_see(client, db, organizer, login_as):
    login_as(organizer)
    url = "/bank/questions/new?type=single_choice"
    preview = "/bank/questions/preview?type=single_choice"
    data = {"stem": "**题** <script>x()</script>", "options": "甲\n<b>乙</b>", "correct": "1"}
    html = submit_form(client, url, data, post_to=preview).get_json()["html"]
    assert "<strong>题</strong>" in html
    assert "<script>" not in html
    assert "&lt;b&gt;乙&lt;/b&gt;" in html  # options are text, shown as typed
    problem = submit_form(client, url, {**data, "correct": "5"}, post_to=preview, headers=EN)
    assert "correct options" in problem.get_json()["error"]
    unknown = submit_form(client, url, data, post_to="/bank/questions/preview?type=drawing")
    assert unknown.status_code == 400

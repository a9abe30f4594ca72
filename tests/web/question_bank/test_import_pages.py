"""Importing questions from the pages: preview with problems, then all or none."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from question_bank.models import Question
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}
GOOD = "一大在哪里召开？\nA. 北京\nB. 上海\nANSWER: B\n".encode()
BAD = "一大在哪里召开？\nA. 北京\nB. 上海\nANSWER: D\n".encode()


def _check(client, content: bytes, fmt: str = "aiken", name: str = "bank.txt"):
    changes = {"file": (io.BytesIO(content), name), "format": fmt, "category": "党史"}
    return submit_form(client, "/bank/import/", changes, headers=EN)


def _commit(client, preview: str):
    """Press the preview's import button."""
    return submit_form(client, "/bank/import/", page=preview, form="/bank/import/commit")


def test_preview_then_import(client, db, organizer, login_as):
    login_as(organizer)
    page = _check(client, GOOD).get_data(as_text=True)
    assert 'data-testid="import-item"' in page
    assert "一大在哪里召开" in page
    assert db.session.query(Question).count() == 0  # the preview saves nothing
    done = _commit(client, page)
    assert done.status_code == 302
    assert db.session.query(Question).count() == 1
    again = _commit(client, page)
    assert again.status_code == 404  # the pending file is gone: no double import


def test_problems_are_listed_and_nothing_can_be_imported(client, db, organizer, login_as):
    login_as(organizer)
    page = _check(client, BAD).get_data(as_text=True)
    assert 'data-testid="import-problems"' in page
    assert "line 4: the answer names an option that does not exist" in page
    assert 'data-testid="commit-import"' not in page
    assert db.session.query(Question).count() == 0


def test_unreadable_files_get_a_message(client, db, organizer, login_as):
    login_as(organizer)
    empty = _check(client, b"")
    assert empty.status_code == 422
    assert "The file is empty." in empty.get_data(as_text=True)
    gbk = _check(client, "题目".encode("gb18030"))
    assert "not UTF-8" in gbk.get_data(as_text=True)
    wrong = _check(client, b"not a workbook", "xlsx", "bank.xlsx")
    assert "not an Excel" in wrong.get_data(as_text=True)


def test_template_downloads(client, db, organizer, login_as):
    login_as(organizer)
    xlsx = client.get("/bank/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    assert [c.value for c in sheet[1]][:3] == ["题型", "题干", "选项A"]
    csv = client.get("/bank/import/template.csv").data.decode("utf-8-sig")
    assert csv.startswith("题型,题干")


def test_members_cannot_import(client, db, member, login_as):
    login_as(member)
    assert client.get("/bank/import/").status_code == 403
    refused = client.post(  # no page to fill: the member never sees the form
        "/bank/import/",
        data={"file": (io.BytesIO(GOOD), "bank.txt"), "format": "aiken"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 403


def test_export_what_the_list_shows(client, db, organizer, login_as):
    login_as(organizer)
    _commit(client, _check(client, GOOD).get_data(as_text=True))
    gift_text = client.get("/bank/export/gift?q=一大").data.decode()
    assert "$CATEGORY: 党史" in gift_text
    assert "=上海" in gift_text
    assert client.get("/bank/export/xlsx").data[:2] == b"PK"
    assert b"<quiz>" in client.get("/bank/export/moodle-xml").data
    assert client.get("/bank/export/gift?q=nothing-matches").data.strip() == b""


def test_export_only_the_selection(client, db, organizer, login_as):
    from question_bank.services import categories, questions  # noqa: PLC0415
    from question_bank.services.questions import QuestionContent  # noqa: PLC0415

    category = categories.ensure_path("选集")
    keep = questions.create_question(
        category,
        QuestionContent(type="true_false", stem_md="留下的题", definition={"correct": True}),
    )
    questions.create_question(
        category,
        QuestionContent(type="true_false", stem_md="不要的题", definition={"correct": False}),
    )
    db.session.commit()
    login_as(organizer)
    csv = client.get(f"/bank/export/csv?ids={keep.id}").data.decode("utf-8-sig")
    assert "留下的题" in csv
    assert "不要的题" not in csv

"""Importing questions from the pages: preview with problems, then all or none."""

from __future__ import annotations

import io
import re

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
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["题型", "题干", "选项A"]
    assert {"答案", "误差", "单位", "计分"} <= set(header)
    types = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert types == ["单选", "多选", "判断", "填空", "数值", "匹配", "简答"]
    csv = client.get("/bank/import/template.csv").data.decode("utf-8-sig")
    assert csv.startswith("题型,题干")
    for fmt, data in (("xlsx", xlsx.data), ("csv", csv.encode())):
        page = _check(client, data, fmt, f"template.{fmt}").get_data(as_text=True)
        assert "import-problems" not in page
        assert page.count('data-testid="import-item"') == 7


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


def test_an_export_that_cannot_hold_a_question_says_so_before_the_download(
    client, db, organizer, login_as
):
    from question_bank.services import categories, questions  # noqa: PLC0415
    from question_bank.services.questions import QuestionContent  # noqa: PLC0415

    category = categories.ensure_path("导出")
    questions.create_question(
        category,
        QuestionContent(
            type="fill_blank",
            stem_md="两空：{{1}} 和 {{2}}",
            definition={"blanks": [["甲"], ["乙"]]},
        ),
    )
    questions.create_question(
        category, QuestionContent(type="true_false", stem_md="能导出", definition={"correct": True})
    )
    db.session.commit()
    login_as(organizer)
    page = client.get("/bank/export/gift", headers=EN)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 of 2 questions can be written in this format." in html
    assert "GIFT holds one blank per question" in html
    link = re.search(r'href="([^"]+)"[^>]*data-testid="export-download"', html).group(1)
    download = client.get(link.replace("&amp;", "&"))
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "能导出" in download.data.decode()
    assert "两空" not in download.data.decode()


def test_the_preview_shows_the_answer_key_to_the_organizer(client, db, organizer, login_as):
    login_as(organizer)
    gift = (
        "Capital?{=Paris ~London}\n\nPi?{#3.14:0.005}\n\nYear? {=1921 =一九二一}\n\n"
        "Match.{=Dog -> Bark =Cow -> Moo = -> Quack}\n\nTrue?{T}\n\nWhy?{}\n"
    ).encode()
    page = _check(client, gift, "gift", "bank.gift").get_data(as_text=True)
    keys = re.findall(r'data-testid="answer-key">(.*?)</div>', page, re.DOTALL)
    assert len(keys) == 6
    assert re.search(r'class="key-right">.*?Paris', keys[0], re.DOTALL)
    assert re.search(r'class="key-wrong">.*?London', keys[0], re.DOTALL)
    assert "3.14 ± 0.005" in keys[1]
    assert "1921 / 一九二一" in keys[2]
    assert "Dog → Bark" in keys[3] and "Quack" in keys[3]
    assert "✓ True" in keys[4]
    assert "Graded by a person" in keys[5]


def test_hostile_files_get_a_message_not_a_500(client, db, organizer, login_as):
    login_as(organizer)
    utf7 = b'<?xml version="1.0" encoding="UTF-7"?><quiz><question type="essay"/></quiz>'
    page = _check(client, utf7, "moodle-xml", "bank.xml")
    assert page.status_code == 200
    assert "declares the encoding “UTF-7”" in page.get_data(as_text=True)
    big = ('题型,题干,答案\n判断,"' + "长" * (140 * 1024) + '",对\n').encode()
    refused = _check(client, big, "csv", "bank.csv")
    assert refused.status_code == 422
    assert "line 2: a cell holds more than 32767 characters" in refused.get_data(as_text=True)

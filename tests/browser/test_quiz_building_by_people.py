"""An organizer builds a quiz through the pages alone, as a person would: one fixed question
found in the bank and one random question from a category, then publishes it; a member takes
it. Every step finds its control by its label or role and clicks or fills only what it shows."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from playwright.sync_api import Page, expect

from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from tests.factories import OrgUnitFactory

SHOTS = Path(tempfile.gettempdir()) / "shots-quizzes"


def _bank(db) -> None:
    fixed = categories.ensure_path("党章")
    questions.create_question(
        fixed,
        QuestionContent(
            type="single_choice",
            stem_md="党的最高领导机关是什么？",
            definition={
                "options": [
                    {"id": "a", "text": "党的全国代表大会和它所产生的中央委员会"},
                    {"id": "b", "text": "中央政治局"},
                ],
                "correct": "a",
            },
        ),
    )
    drawn = categories.ensure_path("廉洁纪律")
    for number in (1, 2):
        questions.create_question(
            drawn,
            QuestionContent(
                type="true_false",
                stem_md=f"廉洁纪律判断第{number}题：党员不得违规收受礼品礼金。",
                definition={"correct": True},
            ),
        )
    db.session.commit()


def _log_in(page: Page, site: str, username: str, password: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def _log_out(page: Page) -> None:
    page.get_by_role("button", name="退出登录").click()


def test_an_organizer_builds_a_quiz_with_a_fixed_and_a_random_slot_and_a_member_takes_it(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_default_timeout(8000)
    _bank(db)
    unit = OrgUnitFactory(name="机关一支部")
    make_user(username="zhang", role="organizer", password="organizer-pass-1", unit=unit)
    make_user(username="xiaoli", display_name="小李", password="member-pass-1", unit=unit)
    db.session.commit()

    _log_in(page, site, "zhang", "organizer-pass-1")
    page.get_by_text("管理", exact=True).click()
    page.get_by_role("link", name="测验管理").click()
    page.get_by_role("button", name="新建测验").click()
    page.get_by_label("标题").fill("廉洁从政小测")
    page.get_by_label("限时（分钟；留空表示不限时）").fill("10")
    page.get_by_label("及格线（百分比；留空表示不设及格线）").fill("60")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="廉洁从政小测")).to_be_visible()

    # A fixed question found by its text.
    search = page.get_by_role("search")
    search.get_by_role("searchbox", name="搜索题干").fill("最高领导机关")
    search.get_by_role("button", name="搜索").click()
    found = page.get_by_role("listitem").filter(has_text="最高领导机关")
    found.get_by_role("spinbutton", name="分值").fill("2")
    found.get_by_role("button", name="添加").click()
    expect(page.get_by_text("共 1 道试题")).to_be_visible()

    # One random question from a category.
    random_rule = page.get_by_role("article").filter(
        has=page.get_by_role("button", name="添加随机抽题")
    )
    random_rule.get_by_label("分类", exact=True).select_option(label="廉洁纪律")
    random_rule.get_by_label("抽题数量").fill("1")
    random_rule.get_by_label("每题分值").fill("2")
    random_rule.get_by_role("button", name="添加随机抽题").click()
    expect(page.get_by_text("从“廉洁纪律”随机抽取 1 道题")).to_be_visible()
    expect(page.get_by_text("共 2 道试题")).to_be_visible()
    page.screenshot(path=SHOTS / "quiz-built-by-people.png", full_page=True)

    # Its settings edited: a clearer title.
    page.get_by_role("button", name="编辑测验设置").click()
    page.get_by_label("标题").fill("廉洁从政知识小测")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="廉洁从政知识小测")).to_be_visible()
    expect(page.get_by_text("共 2 道试题")).to_be_visible()

    page.get_by_role("button", name="发布").click()
    expect(page.get_by_role("button", name="取消发布")).to_be_visible()
    _log_out(page)

    _log_in(page, site, "xiaoli", "member-pass-1")
    page.get_by_role("link", name="测验", exact=True).click()
    page.get_by_role("link", name="廉洁从政知识小测").click()
    page.get_by_role("button", name="开始作答").click()
    first = page.get_by_role("article").filter(has_text="最高领导机关")
    first.get_by_label("党的全国代表大会和它所产生的中央委员会").check()
    second = page.get_by_role("article").filter(has_text="廉洁纪律判断")
    second.get_by_label("正确").check()
    expect(page.get_by_text("答案已全部保存")).to_be_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="交卷…").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"))
    expect(page.get_by_text("4 / 4")).to_be_visible()
    page.screenshot(path=SHOTS / "quiz-built-by-people-review.png", full_page=True)
    assert browser_errors == []

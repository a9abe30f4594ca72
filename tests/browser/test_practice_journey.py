"""A member does the daily quiz, earns points, gets one wrong, finds it in the wrong-answer
notebook and practises it again; at desktop and phone sizes, with screenshots to look at."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Attempt, Mode
from quizzes.services import daily, practice
from tests.browser.answering import question
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_member_journey import log_in

SHOTS = Path(tempfile.gettempdir())  # practice-{home,daily,done,notebook,practice}-*.png


def _bank(db) -> None:
    category = categories.ensure_path("安全常识")
    for number in range(1, 4):
        questions.create_question(
            category,
            QuestionContent(
                type="true_false",
                stem_md=f"安全常识第{number}题:发现火情应立即报警。",
                definition={"correct": True},
                explanation_md=f"第{number}题解析:**先报警**,再疏散。",
            ),
        )
    daily.save_settings([category.id], 3)
    practice.set_practice_categories([category.id])
    db.session.commit()


def _hand_in(page: Page) -> None:
    page.get_by_role("button", name="交卷…").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+/review$"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_daily_quiz_points_and_the_notebook(
    page: Page, site: str, make_user, db, browser_errors, viewport
) -> None:
    name = "phone" if viewport == PHONE else "desktop"
    page.set_viewport_size(viewport)
    make_user(username="xiaoli", password="member-pass-1")
    _bank(db)
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, site, "xiaoli", "member-pass-1")
    expect(page.get_by_test_id("home-practice")).to_be_visible()
    page.screenshot(path=SHOTS / f"practice-home-{name}.png", full_page=True)
    page.get_by_role("button", name="每日答题").click()
    expect(page.get_by_test_id("daily-streak")).to_have_text("0")
    page.screenshot(path=SHOTS / f"practice-daily-{name}.png", full_page=True)
    page.get_by_role("button", name="开始今日答题").click()

    # Question 1 wrong (and checked at once: immediate feedback), the other two right.
    expect(page.get_by_test_id("question")).to_have_count(3)
    first = question(page, number=1)
    first.get_by_label("错误", exact=True).check()
    first.get_by_role("button", name="核对答案").click()
    expect(question(page, number=1).get_by_test_id("feedback")).to_be_visible()
    for number in (2, 3):
        question(page, number=number).get_by_label("正确", exact=True).check()
    expect(page.get_by_test_id("answered-count")).to_have_text("3")
    expect(page.get_by_test_id("save-status")).to_have_class(re.compile("is-saved"))
    _hand_in(page)
    expect(page.get_by_test_id("score")).to_contain_text("2")
    expect(page.get_by_test_id("question-type")).to_have_text(["判断题"] * 3)
    expect(page.get_by_test_id("daily-end")).to_contain_text("获得 2 积分")
    expect(page.get_by_test_id("daily-end")).to_contain_text("已连续 1 天")
    page.screenshot(path=SHOTS / f"practice-daily-end-{name}.png", full_page=True)
    page.get_by_role("button", name="返回每日答题").click()

    expect(page).to_have_url(re.compile(r"/daily$"))
    expect(page.get_by_test_id("daily-correct")).to_have_text("2/3")
    expect(page.get_by_test_id("daily-points")).to_have_text("2")
    expect(page.get_by_test_id("daily-streak")).to_have_text("1")
    page.screenshot(path=SHOTS / f"practice-done-{name}.png", full_page=True)
    page.goto(f"{site}/")
    expect(page.get_by_test_id("points")).to_contain_text("3")  # and 1 for logging in today

    db.session.expire_all()
    session = db.session.query(Attempt).filter_by(mode=Mode.DAILY).one()
    wrong_stem = next(i.version.stem_md for i in session.items if i.slot == 1)

    page.get_by_role("button", name="错题本").click()
    entry = page.get_by_test_id("notebook-entry")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(wrong_stem)
    expect(entry).to_contain_text("先报警")
    page.screenshot(path=SHOTS / f"practice-notebook-{name}.png", full_page=True)
    page.get_by_role("button", name="练习我的错题").click()

    expect(page.get_by_test_id("question")).to_have_count(1)
    expect(page.get_by_test_id("question")).to_contain_text(wrong_stem)
    question(page, number=1).get_by_label("正确", exact=True).check()
    expect(page.get_by_test_id("save-status")).to_have_class(re.compile("is-saved"))
    _hand_in(page)

    page.goto(f"{site}/notebook")
    expect(page.get_by_test_id("notebook-entry")).to_contain_text("1")
    expect(page.get_by_test_id("notebook-entry")).to_have_count(1)  # one right is not enough
    page.goto(f"{site}/practice")
    expect(page.get_by_test_id("practice-form")).to_contain_text("安全常识")
    page.screenshot(path=SHOTS / f"practice-practice-{name}.png", full_page=True)
    assert [e for e in browser_errors if "Failed to load resource" not in e] == []


def test_admin_opens_practice_and_the_daily_quiz(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    make_user(username="root", role="admin", password="admin-pass-1")
    for path in ("安全常识", "安全常识/消防", "财务"):
        categories.ensure_path(path)
    db.session.commit()
    log_in(page, site, "root", "admin-pass-1")
    page.goto(f"{site}/manage/practice")
    page.get_by_label("成员可练习的分类（含子分类）").select_option(label="安全常识")
    page.get_by_label("每日答题的出题分类（含子分类）").select_option(label="安全常识/消防")
    page.get_by_label("每日答题题量").fill("8")
    page.screenshot(path=SHOTS / "practice-manage-desktop.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#daily_count")).to_have_value("8")
    db.session.expire_all()
    assert daily.current_settings() == daily.DailySettings(
        [categories.by_path("安全常识/消防").id], 8
    )
    assert browser_errors == []


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_small_category_offers_all_its_questions(
    page: Page, site: str, make_user, db, browser_errors, viewport
) -> None:
    """A category with fewer questions than the smallest session size offers "all N"; one
    without questions is not offered; a bigger one offers only the sizes it can fill."""
    page.set_viewport_size(viewport)
    make_user(username="xiaozhang", password="member-pass-1")
    small = categories.ensure_path("保密常识")
    for number in (1, 2):
        questions.create_question(
            small,
            QuestionContent(
                type="true_false", stem_md=f"保密第{number}题", definition={"correct": True}
            ),
        )
    bigger = categories.ensure_path("消防知识")
    for number in range(1, 8):
        questions.create_question(
            bigger,
            QuestionContent(
                type="true_false", stem_md=f"消防第{number}题", definition={"correct": True}
            ),
        )
    empty = categories.ensure_path("空分类")
    practice.set_practice_categories([small.id, bigger.id, empty.id])
    db.session.commit()

    log_in(page, site, "xiaozhang", "member-pass-1")
    page.goto(f"{site}/practice")
    choices = page.get_by_test_id("practice-form")
    expect(choices).not_to_contain_text("空分类")
    small_row = page.get_by_test_id("practice-offer").filter(has_text="保密常识")
    bigger_row = page.get_by_test_id("practice-offer").filter(has_text="消防知识")
    expect(small_row.get_by_role("button")).to_have_text(["全部 2 道"])
    expect(bigger_row.get_by_role("button")).to_have_text(["随机 5 道"])
    name = "phone" if viewport == PHONE else "desktop"
    page.screenshot(path=SHOTS / f"practice-sizes-{name}.png", full_page=True)

    small_row.get_by_role("button", name="全部 2 道").click()
    expect(page).to_have_url(re.compile(r"/attempts/\d+$"))
    expect(page.get_by_test_id("question")).to_have_count(2)
    assert browser_errors == []

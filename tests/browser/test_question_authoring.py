"""An organizer writes and then edits a question of each of the 7 types through the page, as a
person does: by the labels and buttons the page shows, in Chinese. The saved question is
checked in the database and on its page. A refused form says why, at the top and beside the
field (issue 15, A1)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from question_bank.models import Question
from tests.browser.conftest import PHONE
from tests.browser.test_member_journey import open_menu

PASSWORD = "organizer-pass-1"
CATEGORY = "分类（路径；不存在时自动创建）"
STEM = "题干（Markdown）"
PAIRS = "配对（每行一组：左 = 右；写成“= 某项”的一行是不与任何一项匹配的干扰项）"
OPTIONS = "选项（每行一个）"
CORRECT = "正确选项的序号，例如 1 或 1, 3"


@dataclass
class Case:
    menu: str  # the type's name in the "new question" menu
    fill: dict[str, str]
    saved: Callable[[dict[str, Any]], bool]
    shows: str  # in the correct answer on the question's page
    edit: dict[str, str]
    edited: Callable[[dict[str, Any]], bool]
    edited_shows: str
    choose: dict[str, str] = field(default_factory=dict)  # select label -> option text
    edit_choose: dict[str, str] = field(default_factory=dict)


CASES = {
    "single_choice": Case(
        menu="单选题",
        fill={STEM: "一大在哪里召开？", OPTIONS: "上海\n北京\n嘉兴", CORRECT: "1"},
        saved=lambda d: d["correct"] == "a" and d["options"][0]["text"] == "上海",
        shows="上海",
        edit={CORRECT: "3"},
        edited=lambda d: d["correct"] == "c",
        edited_shows="嘉兴",
    ),
    "multiple_choice": Case(
        menu="多选题",
        fill={
            STEM: "哪些是红色旅游地？",
            OPTIONS: "井冈山\n迪士尼\n延安",
            CORRECT: "1, 3",
            "每个错选的扣分比例（0–1）": "0.5",
        },
        choose={"计分方式": "按比例得分，错选扣分"},
        saved=lambda d: (
            d["correct"] == ["a", "c"] and d["scoring"] == "partial" and d["penalty"] == 0.5
        ),
        shows="延安",
        edit={CORRECT: "1"},
        edit_choose={"计分方式": "全部选对才得分"},
        edited=lambda d: d["correct"] == ["a"] and d["scoring"] == "all",
        edited_shows="井冈山",
    ),
    "true_false": Case(
        menu="判断题",
        fill={STEM: "遵义会议召开于 1935 年。"},
        choose={"该表述": "错误"},
        saved=lambda d: d["correct"] is False,
        shows="错误",
        edit={},
        edit_choose={"该表述": "正确"},
        edited=lambda d: d["correct"] is True,
        edited_shows="正确",
    ),
    "fill_blank": Case(
        menu="填空题",
        fill={
            STEM: "一大召开于{{1}}年，在{{2}}。",
            "参考答案：每空一行，多个可接受答案用 | 分隔": "1921\n上海 | 上海市",
        },
        saved=lambda d: d["blanks"] == [["1921"], ["上海", "上海市"]],
        shows="1921 | 上海",
        edit={"参考答案：每空一行，多个可接受答案用 | 分隔": "1921\n嘉兴"},
        edited=lambda d: d["blanks"] == [["1921"], ["嘉兴"]],
        edited_shows="嘉兴",
    ),
    "numerical": Case(
        menu="数值题",
        fill={
            STEM: "重力加速度约为多少？",
            "正确数值": "9.8",
            "允许误差（±）": "0.1",
            "可接受的单位（用逗号分隔）": "m/s², 米每二次方秒",
        },
        saved=lambda d: (
            d["answers"][0]["value"] == 9.8
            and d["answers"][0]["tolerance"] == 0.1
            and d["units"] == ["m/s²", "米每二次方秒"]
        ),
        shows="9.8",
        edit={"正确数值": "9.81"},
        edited=lambda d: d["answers"][0]["value"] == 9.81,
        edited_shows="9.81",
    ),
    "matching": Case(
        menu="匹配题",
        fill={
            STEM: "把会议与年份配对。",
            PAIRS: "遵义会议 = 1935\n古田会议 = 1929",
        },
        saved=lambda d: (
            [(p["left"], p["right"]) for p in d["pairs"]]
            == [("遵义会议", "1935"), ("古田会议", "1929")]
        ),
        shows="古田会议",
        edit={PAIRS: "遵义会议 = 1935\n洛川会议 = 1937"},
        edited=lambda d: d["pairs"][1]["left"] == "洛川会议",
        edited_shows="洛川会议",
    ),
    "short_answer": Case(
        menu="简答题",
        fill={STEM: "简述遵义会议的意义。", "供阅卷人参考的答案": "要点一；要点二"},
        saved=lambda d: d["reference"] == "要点一；要点二",
        shows="要点一；要点二",
        edit={"供阅卷人参考的答案": "要点一；要点二；要点三"},
        edited=lambda d: d["reference"] == "要点一；要点二；要点三",
        edited_shows="要点三",
    ),
}


def _log_in(page: Page, site: str) -> None:
    page.goto(f"{site}/login")
    page.get_by_label("用户名").fill("zhang")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def _open_new_question(page: Page, menu: str) -> None:
    open_menu(page)
    page.get_by_role("link", name="题库", exact=True).first.click()
    page.get_by_role("button", name="新建试题").click()
    page.get_by_role("link", name=menu, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("新建试题")


def _fill(page: Page, texts: dict[str, str], choices: dict[str, str]) -> None:
    for label, value in texts.items():
        page.get_by_label(label).fill(value)
    for label, option in choices.items():
        page.get_by_label(label).select_option(label=option)


def _definition(db: Any, question_id: int) -> tuple[int, dict[str, Any]]:
    db.session.rollback()  # a new transaction sees what the server committed since
    version = db.session.get(Question, question_id).current
    return version.number, version.definition


@pytest.mark.parametrize("kind", list(CASES))
def test_organizer_writes_and_edits_each_type(
    page: Page, site: str, make_user, db, browser_errors, kind: str, tmp_path
) -> None:
    case = CASES[kind]
    make_user(username="zhang", role="organizer", password=PASSWORD)
    _log_in(page, site)
    _open_new_question(page, case.menu)
    _fill(page, {CATEGORY: "党史/测试", "标签（用逗号分隔）": "测试"}, {})
    _fill(page, case.fill, case.choose)
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".flash-success")).to_contain_text("试题已保存")
    question_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    number, definition = _definition(db, question_id)
    assert (number, db.session.get(Question, question_id).current.type) == (1, kind)
    assert case.saved(definition), definition
    assert db.session.get(Question, question_id).category.path == "党史/测试"
    expect(page.get_by_test_id("correct-answer")).to_contain_text(case.shows)
    page.screenshot(path=str(tmp_path / f"{kind}-saved.png"), full_page=True)

    page.get_by_role("button", name="编辑").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("编辑试题")
    _fill(page, case.edit, case.edit_choose)
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".flash-success")).to_contain_text("已保存为第 2 版")
    number, definition = _definition(db, question_id)
    assert number == 2
    assert case.edited(definition), definition
    expect(page.get_by_test_id("correct-answer")).to_contain_text(case.edited_shows)
    expect(page.get_by_test_id("history-entry")).to_have_count(1)
    assert browser_errors == []


def test_a_refused_question_form_says_why_at_the_top_and_beside_the_field(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    page.set_viewport_size(PHONE)
    make_user(username="zhang", role="organizer", password=PASSWORD)
    _log_in(page, site)
    _open_new_question(page, "单选题")
    _fill(page, {CATEGORY: "党史", OPTIONS: "上海\n北京", CORRECT: "1", "难度（1–5）": "9"}, {})
    page.get_by_role("button", name="保存").click()

    summary = page.get_by_role("alert").filter(has_text="表单未保存")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link", name="题干")).to_be_visible()
    expect(summary.get_by_role("link", name="难度")).to_be_visible()
    stem = page.get_by_label(STEM)
    expect(stem).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#stem-errors")).to_be_visible()
    expect(page.locator("#difficulty-errors")).to_be_visible()
    expect(page.get_by_label(OPTIONS)).to_have_value("上海\n北京")  # what was typed stays
    expect(summary).to_be_focused()

    summary.get_by_role("link", name="题干").click()
    expect(stem).to_be_focused()
    stem.fill("一大在哪里召开？")
    page.get_by_label("难度（1–5）").fill("2")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash-success")).to_contain_text("试题已保存")
    db.session.rollback()
    assert db.session.query(Question).count() == 1
    assert browser_errors == []

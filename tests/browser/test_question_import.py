"""An organizer imports an Excel file of questions: a bad row is shown, fixed, then imported."""

from __future__ import annotations

import io

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in, open_menu

HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "解析",
    "难度",
    "分值",
    "标签",
    "分类",
]


def _workbook(path, answer_of_second: str) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["单选", "一大在哪里召开？", "北京", "上海", "", "", "B", "", 2, 1, "党史", ""])
    sheet.append(
        ["判断", "遵义会议在1935年召开。", "", "", "", "", answer_of_second, "", 1, 1, "", ""]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_bad_row_then_fixed_then_imported(page: Page, site: str, make_user, db, tmp_path):
    make_user(username="org", role="organizer", password="organizer-pass-1")
    db.session.commit()
    log_in(page, site, "org", "organizer-pass-1")
    open_menu(page)
    page.get_by_role("link", name="题库", exact=True).click()
    page.get_by_role("button", name="导入", exact=True).click()

    page.get_by_label("文件", exact=True).set_input_files(_workbook(tmp_path / "bad.xlsx", "也许"))
    page.get_by_label("文件未写分类的试题放入此分类").fill("党史/建党")
    page.get_by_role("button", name="检查文件").click()
    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text("第 3 行")
    expect(problems).to_contain_text("判断题的答案须为“对”或“错”")
    expect(page.get_by_test_id("commit-import")).to_have_count(0)

    page.get_by_role("button", name="上传修改后的文件").click()
    page.get_by_label("文件", exact=True).set_input_files(_workbook(tmp_path / "good.xlsx", "对"))
    page.get_by_label("文件未写分类的试题放入此分类").fill("党史/建党")
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_test_id("import-item")).to_have_count(2)
    page.get_by_role("button", name="导入 2 道试题").click()
    expect(page.locator(".flash-success")).to_contain_text("2")
    expect(page.get_by_test_id("question-row")).to_have_count(2)
    expect(page.get_by_test_id("question-row").first).to_contain_text("党史/建党")

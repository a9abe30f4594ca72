"""The choices of a form speak the page's language (issue 15, A2): lists built once at import
time stayed in English ("Browser default", the unit-metric and level options, "True / False",
the scoring rules) however the interface was set."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.test_member_journey import log_in

PASSWORD = "admin-pass-1"
CHINESE = {
    "/profile": {"语言": ["跟随浏览器", "简体中文", "English"]},
    "/admin/users/new": {"语言": ["跟随浏览器", "简体中文", "English"]},
    "/manage/competitions/new": {
        "单位排名依据": ["单位参赛者的平均分"],
        "单位排行榜的排名层级": ["支部（组织的第二级）"],
    },
    "/bank/questions/new?type=true_false": {"该表述": ["正确", "错误"]},
    "/bank/questions/new?type=multiple_choice": {
        "计分方式": ["全部选对才得分", "按比例得分，错选扣分"]
    },
}
ENGLISH = {
    "/profile": {"Language": ["Browser default"]},
    "/manage/competitions/new": {
        "Unit leaderboard metric": ["Average score of the unit's participants"],
    },
    "/bank/questions/new?type=true_false": {"The statement is": ["True", "False"]},
}


def _check(page: Page, site: str, expected: dict[str, dict[str, list[str]]]) -> None:
    for path, selects in expected.items():
        page.goto(f"{site}{path}")
        for label, wanted in selects.items():
            options = page.get_by_label(label, exact=True).locator("option").all_text_contents()
            texts = [text.strip() for text in options]
            assert set(wanted) <= set(texts), (path, label, texts)


def test_choices_follow_the_interface_language(
    page: Page, site: str, make_user, db, browser_errors
) -> None:
    make_user(username="root", role="admin", password=PASSWORD)
    log_in(page, site, "root", PASSWORD)
    _check(page, site, CHINESE)

    page.get_by_role("button", name="English", exact=True).click()
    page.wait_for_load_state()
    _check(page, site, ENGLISH)
    assert browser_errors == []

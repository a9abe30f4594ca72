"""Sign-in with the organisation's directory, in Chromium (issue 18, item 6).

An admin opens the login methods, tests the LDAP connection (a real slapd), switches LDAP and
OpenID Connect on and saves; a directory member logs in on the usual form; another person
signs in at the identity provider (tests/oidc_provider.py) through the login page's button.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in, log_out
from tests.factories import PASSWORD
from tests.ldap_fixtures import ADMIN_DN, ADMIN_PASSWORD, BASE_DN
from tests.oidc_provider import CLIENT_ID, CLIENT_SECRET


def test_admin_sets_up_the_directory_and_people_sign_in_with_it(
    page: Page, site: str, admin, slapd, oidc_provider, browser_errors
) -> None:
    log_in(page, site, admin.username, PASSWORD)
    page.goto(f"{site}/admin/settings/")
    page.get_by_role("link", name=re.compile("登录方式")).click()
    fields = {
        "服务器": slapd.url,
        "绑定 DN（留空：匿名查询）": ADMIN_DN,
        "绑定密码": ADMIN_PASSWORD,
        "基准 DN": BASE_DN,
        "群组基准 DN（可选）": f"ou=groups,{BASE_DN}",
        "群组对应角色": f"cn=lms-organizers,ou=groups,{BASE_DN} -> organizer",
        "OU 或属性值对应单位": f"ou=sales,ou=people,{BASE_DN} -> 示例公司/销售部",
        "测试时查询的用户名（可选）": "alice",
    }
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="测试 LDAP 连接").click()
    expect(page.get_by_text(re.compile("找到 3 人"))).to_be_visible()
    expect(page.get_by_text(re.compile("角色 organizer，单位 示例公司/销售部"))).to_be_visible()

    page.get_by_label("绑定密码", exact=True).fill(ADMIN_PASSWORD)  # never sent back to the page
    page.get_by_role("switch", name="LDAP 或 Active Directory", exact=True).check()
    page.get_by_role("switch", name="OpenID Connect", exact=True).check()
    for label, value in {
        "签发者（Issuer）": oidc_provider.issuer,
        "客户端 ID": CLIENT_ID,
        "客户端密钥": CLIENT_SECRET,
        "按钮文字": "用企业微信账号登录",
        "单位声明（可选）": "department",
        "声明值对应单位": "SALES -> 示例公司/销售部",
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("按钮文字", exact=True).press("Enter")  # saves, as the 保存 button does
    expect(page.get_by_text("登录设置已保存。")).to_be_visible()
    log_out(page)

    log_in(page, site, "alice", "alice-pass")
    expect(page.get_by_test_id("profile-link")).to_have_text("王丽")
    log_out(page)

    page.get_by_role("button", name="用企业微信账号登录").click()
    page.get_by_label("Who are you?").select_option("li.na")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site}/")
    expect(page.get_by_test_id("profile-link")).to_have_text("李娜")
    assert browser_errors == []

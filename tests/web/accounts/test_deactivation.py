"""Deactivated users cannot log in, lose their sessions and their API tokens."""

from __future__ import annotations

from tests.factories import PASSWORD
from tests.formfill import submit_form
from tests.web.accounts.helpers import log_in, log_out


def _toggle(client, user_id: int, **kwargs):
    """Press Deactivate (or Activate) on the user's admin page."""
    url = f"/admin/users/{user_id}/edit"
    return submit_form(client, url, form=f"/admin/users/{user_id}/active", **kwargs)


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
    assert _toggle(client, member.id).status_code == 302
    log_out(client)

    assert device.get("/profile").status_code == 302
    assert client.get("/api/v1/me", headers=bearer).status_code == 401
    refused = log_in(client, "member1", PASSWORD)
    assert refused.status_code == 200
    assert client.get("/profile").status_code == 302


def test_reactivated_user_can_log_in_again(client, db, admin, member, login_as):
    login_as(admin)
    _toggle(client, member.id)
    _toggle(client, member.id)
    log_out(client)
    assert log_in(client, "member1", PASSWORD).status_code == 302


def test_admin_cannot_deactivate_themselves(client, db, admin, login_as):
    login_as(admin)
    response = _toggle(client, admin.id, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.is_active

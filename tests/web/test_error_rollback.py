"""A failed request is rolled back before its error page is built (lms/core/errors.py): the page
keeps the site's layout, the next request works, and input the database cannot hold is a 4xx.
A refusal (404, 403, a DomainError) rolls back only a session a failed flush broke."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.accounts.models import OrgUnit
from lms.accounts.services import org_units
from lms.core.errors import ConflictError
from lms.core.extensions import db as _db
from tests.factories import UserFactory


def _flushing(unit: dict[str, Any], refusal: Exception | None = None) -> Any:
    def broken() -> list[OrgUnit]:
        _db.session.add(OrgUnit(**unit))
        try:
            _db.session.flush()
        except IntegrityError as error:
            if refusal is None:
                raise
            raise refusal from error  # as a service answers a lost uniqueness race
        return []

    return broken


@pytest.mark.parametrize(
    ("unit", "refusal", "status"),
    [
        ({"name": "\ud800", "path": "\ud800"}, None, 400),  # not encodable: the input's fault
        ({"name": None, "path": "x"}, None, 500),  # NOT NULL: the app's fault
        ({"name": None, "path": "x"}, ConflictError("Taken."), 409),  # a refusal after it
    ],
)
def test_a_failed_flush_is_rolled_back_before_the_error_page(
    client, db, admin, login_as, monkeypatch, unit, refusal, status
):
    units_before = db.session.scalar(select(func.count()).select_from(OrgUnit))
    monkeypatch.setattr(org_units, "all_units", _flushing(unit, refusal))
    login_as(admin)
    response = client.get("/admin/units/", headers={"Accept-Language": "en"})
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert 'rel="stylesheet"' in page  # the full layout, not the bare fallback page
    assert admin.display_name in page  # which read the user again after the rollback
    monkeypatch.undo()
    assert client.get("/profile").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == units_before


def test_an_api_flush_failure_answers_json_and_the_next_request_works(
    client, db, admin, login_as, monkeypatch
):
    monkeypatch.setattr(org_units, "all_units", _flushing({"name": "\udfff", "path": "\udfff"}))
    login_as(admin)
    response = client.get("/admin/units/", headers={"Accept": "application/json"})
    assert response.status_code == 400
    monkeypatch.undo()
    assert client.get("/api/v1/me").get_json()["username"] == admin.username


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"display_name=%ED%A0%80&language="),
        ("application/x-www-form-urlencoded", b"display_name=\xed\xa0\x80&language="),
        (
            "multipart/form-data; boundary=x",
            b'--x\r\nContent-Disposition: form-data; name="display_name"\r\n\r\n'
            b"\xed\xa0\x80\r\n--x--\r\n",
        ),
    ],
)
def test_form_posts_with_surrogates_never_500(client, member, login_as, content_type, body):
    login_as(member)
    response = client.post("/profile", data=body, content_type=content_type)
    assert response.status_code < 500
    assert client.get("/profile").status_code == 200


def test_a_refusal_keeps_what_the_session_holds_when_it_is_not_broken(client, db, login_as):
    login_as(UserFactory())  # flushed by the factory, not committed: the test's own session
    assert client.get("/admin/units/").status_code == 403
    assert client.get("/profile").status_code == 200

"""Digits Python's ``str.isdigit`` accepts but ``int`` refuses ("²"), or too many of them, in
ids and numbers a request carries: a 4xx or the page as without them, never a 500."""

from __future__ import annotations

import pytest

from tests.unit.competitions.helpers import running

ODD_DIGITS = ["²", "١٢", "9" * 5000]


@pytest.mark.parametrize("limit", ODD_DIGITS)
def test_leaderboard_limit(client, db, member, login_as, limit):
    competition = running()
    db.session.commit()
    login_as(member)
    response = client.get(f"/api/v1/competitions/{competition.id}/leaderboard?limit={limit}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("ids", ODD_DIGITS)
def test_question_bank_ids(client, organizer, login_as, ids):
    login_as(organizer)
    assert client.get(f"/bank/export/gift?ids={ids}").status_code < 500
    assert client.post("/bank/bulk", data={"ids": ids, "action": "retire"}).status_code < 500


@pytest.mark.parametrize("category", ODD_DIGITS)
def test_notebook_practice_category(client, member, login_as, category):
    login_as(member)
    response = client.post("/notebook/practise", data={"category": category})
    assert response.status_code < 500

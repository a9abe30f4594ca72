"""What a phone's answer costs the database: the same few statements whether five or forty
members play: the versions that tell whether the token's remembered owner still holds, one
read of the session, the player and the open question, and the insert."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.live.test_races import _open_session, _tokens

STATEMENTS = 3  # the versions behind the token's memory, the one read, the insert


def _statements_per_answer(client: Any, db: Any, count_queries: Any, players: int) -> list[int]:
    session_id, names, answer = _open_session(db, players)
    headers = _tokens(client, names[:3])
    db.session.close()
    url = f"/api/v1/live-sessions/{session_id}/answers"
    counts = []
    for player in headers:
        client.get(f"/api/v1/live-sessions/{session_id}", headers=player)  # remembers the token
        with count_queries() as counter:
            response = client.post(url, json={"index": 0, "answer": answer}, headers=player)
        assert response.status_code == 200, response.get_json()
        counts.append(counter.count)
        db.session.close()
    return counts


@pytest.mark.parametrize("players", [5, 40])
def test_an_answer_costs_the_same_few_statements_as_players_grow(
    app, client, db, count_queries, players
):
    counts = _statements_per_answer(client, db, count_queries, players)
    assert counts == [STATEMENTS] * 3, counts

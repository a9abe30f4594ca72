"""What the live board and the big screen are sent: the public board, as ready-made bytes.

One payload serves the member page's ``board.json`` poll, the big screen's poll and the push
tier's messages (nothing in it depends on who looks). A pushed message adds a ``version``: the
server's clock in milliseconds, taken before the board was read, so a page ignores a message
read no later than what it already shows (Nchan keeps a channel's last message and hands it to
a new subscriber first). A revoked big-screen link gets ``{"gone": true}`` on its old channel.
"""

from __future__ import annotations

import json
import time
from typing import Any

from competitions.models import Competition, Stage
from competitions.services import leaderboards, stages
from lms.core.api import iso
from lms.core.clock import utcnow

TOP_N = 50
UNITS_N = 50
GONE = b'{"gone":true}'


def version_now() -> int:
    """The version of a board read from now on (wall clock in ms, shared by every worker)."""
    return time.time_ns() // 1_000_000


def public_board(competition: Competition) -> bytes:
    """The public board as JSON bytes: no viewer, identical for everyone, so cacheable."""
    now = utcnow()
    stage = stages.stage_of(competition, now)
    meta = {
        "competition_id": competition.id,
        "stage": str(stage),
        "frozen": stages.is_frozen(competition, now),
        "revealed": stage in (Stage.FINISHED, Stage.PUBLISHED),
        "starts_at": iso(competition.starts_at),
        "ends_at": iso(competition.ends_at),
    }
    return b"".join(
        [
            b'{"meta":',
            dumps(meta),
            b',"people":',
            leaderboards.board_bytes(competition, "people", TOP_N),
            b',"units":',
            leaderboards.board_bytes(competition, "units", UNITS_N),
            b"}",
        ]
    )


def board_message(competition: Competition) -> bytes:
    """The public board with its version, as the push tier sends it."""
    version = version_now()
    return b'{"version":%d,' % version + public_board(competition)[1:]


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

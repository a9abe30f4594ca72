"""Scores move when a question closes: its answers' points are added to the players' scores
(the reason no score tells a phone it was right before the reveal)."""

from __future__ import annotations

from sqlalchemy import case, exists, select, update

from live.models import LiveAnswer, LivePlayer, LiveSession
from lms.core.extensions import db


def apply_answers(session: LiveSession, index: int) -> None:
    """Add the closed question's points to the players' scores, in SQL (so a judge's change to
    the same rows in parallel is not lost); a wrong or missing answer breaks the streak."""
    mine = (LiveAnswer.player_id == LivePlayer.id, LiveAnswer.index == index)
    points = select(LiveAnswer.points).where(*mine).scalar_subquery()
    right = exists().where(*mine, LiveAnswer.is_correct.is_(True))
    answered = exists().where(*mine)
    db.session.flush()
    db.session.execute(
        update(LivePlayer)
        .where(LivePlayer.session_id == session.id)
        .values(
            score=LivePlayer.score + case((answered, points), else_=0),
            correct_count=LivePlayer.correct_count + case((right, 1), else_=0),
            streak=case((right, LivePlayer.streak + 1), else_=0),
        )
        .execution_options(synchronize_session=False)
    )
    for player in [o for o in db.session.identity_map.values() if isinstance(o, LivePlayer)]:
        db.session.expire(player)

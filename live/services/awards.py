"""Study points for a finished session, through the ledger (rule ``live_session_played``)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from live.models import LiveAnswer, LivePlayer, LiveSession
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from lms.points import services as points

POINTS_RULE = "live_session_played"
SOURCE_TYPE = "live_session"


def award_points(session: LiveSession) -> int:
    """Study points once per member who played (answered at least once); guests get none.
    Returns how many members got an entry now (the ledger makes a repeat a no-op)."""
    played = select(LiveAnswer.player_id).where(LiveAnswer.session_id == session.id)
    users = db.session.scalars(
        select(User)
        .join(LivePlayer, LivePlayer.user_id == User.id)
        .where(LivePlayer.session_id == session.id, LivePlayer.id.in_(played))
    ).all()
    given = 0
    for user in users:
        entry = points.award(
            user,
            POINTS_RULE,
            source_type=SOURCE_TYPE,
            source_id=session.id,
            reason=_("Live quiz: %(title)s", title=session.title),
        )
        given += entry is not None
    session.points_awarded_at = utcnow()
    db.session.flush()
    return given

"""The stage format's part of the tour: a stage session with a question open, its consoles,
a team's phone and its big screen."""

from __future__ import annotations

from sqlalchemy import select

from live.models import LiveSession
from live.services import joining, stage
from lms.accounts.models import User
from lms.core.extensions import db
from question_bank.models import Question

TITLE = "知识竞赛现场赛 Stage final"
LEFT_OUT = {
    "live_stage.state": "JSON polled by the stage pages",
    "live_stage.screen_state": "JSON polled by the stage big screen",
}


def add_stage_data(organizer: User, member: User) -> None:
    """A stage session by the organizer (also its judge), the member in a team, on its first
    question (a buzzer question)."""
    ids = list(db.session.scalars(select(Question.id).order_by(Question.id).limit(3)))
    session = stage.create_stage(
        organizer,
        stage.StagePlan(
            title=TITLE,
            team_names=["第一支部队", "第二支部队"],
            judges=[organizer.username],
            buzzer_ids=ids[:1],  # so the phones show their BUZZ button
            risk_ids=ids[1:3],
        ),
    )
    joining.join(session.pin, user=member)
    stage.next_question(session)


def stage_stops(stop: type, organizer: str, member: str, anonymous: None) -> list:
    session = db.session.scalars(select(LiveSession).where(LiveSession.title == TITLE)).one()
    sid = {"session_id": session.id}
    return [
        stop(organizer, "live_stage.index"),
        stop(organizer, "live_stage.create"),
        stop(organizer, "live_stage.host", sid),
        stop(organizer, "live_stage.judge", sid),
        stop(member, "live_stage.join"),
        stop(member, "live_stage.team", sid),
        stop(anonymous, "live_stage.screen", {"screen_token": session.screen_token}),
    ]

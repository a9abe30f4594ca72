"""A stage session ready to play: two named teams, two judges, one player per team, and one
question per round kind (required, buzzer, risk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from live.models import LivePlayer, LiveSession, LiveTeam
from live.services import joining, stage
from lms.accounts.models import User
from tests.factories import UserFactory
from tests.quiz_factories import make_bank


@dataclass
class Stage:
    session: LiveSession
    host: User
    head: User
    judge: User
    red: LiveTeam
    blue: LiveTeam
    red_player: LivePlayer
    blue_player: LivePlayer


def make_stage(db: Any, *, judge_count: int = 2, **plan: Any) -> Stage:
    bank = make_bank("Stage bank")
    host = UserFactory(username="stagehost", role="organizer")
    head = UserFactory(username="headjudge")
    judge = UserFactory(username="judge2")
    ids = [q.id for q in bank]
    settings = {
        "title": "Knowledge contest",
        "team_names": ["Red", "Blue"],
        "judges": ["headjudge", "judge2"][:judge_count],
        "required_ids": ids[:2],
        "buzzer_ids": ids[2:3],
        "risk_ids": ids[3:4],
        **plan,
    }
    session = stage.create_stage(host, stage.StagePlan(**settings))
    red, blue = session.teams
    red_user, blue_user = UserFactory(username="redplayer"), UserFactory(username="blueplayer")
    red_player = joining.join(session.pin, user=red_user)
    blue_player = joining.join(session.pin, user=blue_user)
    stage.choose_team(session, red_player, red)
    stage.choose_team(session, blue_player, blue)
    db.session.commit()
    return Stage(session, host, head, judge, red, blue, red_player, blue_player)


def go_to(session: LiveSession, index: int) -> None:
    while session.current_index < index:
        stage.next_question(session)

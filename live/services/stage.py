"""The stage format (知识竞赛现场赛): setting a session up, and its flow on stage.

A stage session is a live session of format ``stage`` in team mode. Its questions come in
rounds: required ones (each team in turn gets its own), buzzer ones (the first buzz by server
receive time wins; a buzz before the host opens buzzing is a foul) and risk ones (each team in
turn picks a value; right adds it, wrong deducts it). Judges mark the answers
(``stage_scoring``). Every change bumps the session's version and publishes the big screen's
state on ``live-<id>`` after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from live.models import (
    Format,
    LiveAnswer,
    LiveBuzz,
    LivePlayer,
    LiveQuestion,
    LiveSession,
    LiveState,
    LiveTeam,
    Mode,
    QuestionKind,
    Scoring,
)
from live.services import answers, awards, buzzer, messages, sessions, stage_scoring, stage_state
from live.services.errors import AlreadyAnsweredError, ClosedError
from live.stage_models import StageJudge, StageSettings
from lms.accounts.models import User
from lms.core import push
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, ValidationError
from lms.core.extensions import db
from quizzes.models import Quiz, QuizSlot

MAX_RISK_VALUES = 6


@dataclass
class StagePlan:
    """What an organizer sets up: teams by name (or org units at ``team_depth``), judges by
    username (the first is the head judge), bank question ids per round, and the points."""

    title: str
    team_names: list[str] = field(default_factory=list)
    team_depth: int | None = None
    judges: list[str] = field(default_factory=list)
    required_ids: list[int] = field(default_factory=list)
    buzzer_ids: list[int] = field(default_factory=list)
    risk_ids: list[int] = field(default_factory=list)
    points_required: int = 10
    points_buzzer: int = 10
    buzzer_wrong: int = 10
    foul_penalty: int = 5
    risk_values: list[int] = field(default_factory=lambda: [10, 20, 30])


def quiz_question_ids(quiz_id: int | None) -> list[int]:
    """The fixed questions of a quiz, in slot order (a round taken from a quiz)."""
    if not quiz_id:
        return []
    rows = db.session.scalars(
        select(QuizSlot.question_id)
        .where(QuizSlot.quiz_id == quiz_id, QuizSlot.question_id.is_not(None))
        .order_by(QuizSlot.position, QuizSlot.id)
    )
    return [qid for qid in rows if qid is not None]


def quizzes_for_rounds() -> list[tuple[Quiz, int]]:
    """Quizzes with fixed questions, and how many they have."""
    rows = db.session.execute(
        select(Quiz, func.count(QuizSlot.id))
        .join(QuizSlot, QuizSlot.quiz_id == Quiz.id)
        .where(QuizSlot.question_id.is_not(None))
        .group_by(Quiz.id)
        .order_by(Quiz.title, Quiz.id)
    )
    return [(quiz, count) for quiz, count in rows]


def create_stage(host: User, plan: StagePlan) -> LiveSession:
    judges = _judges(plan.judges)
    _check_points(plan)
    rounds = [
        *((QuestionKind.REQUIRED, qid) for qid in plan.required_ids),
        *((QuestionKind.BUZZER, qid) for qid in plan.buzzer_ids),
        *((QuestionKind.RISK, qid) for qid in plan.risk_ids),
    ]
    if not rounds:
        raise ValidationError(_("Add at least one question to a round."), field="required_ids")
    names = _team_names(plan)
    session = sessions.create_session(
        host,
        sessions.SessionSettings(
            title=plan.title,
            mode=Mode.TEAMS,
            scoring=Scoring.ACCURACY,
            team_depth=plan.team_depth,
            team_names=tuple(names),
            format=Format.STAGE,
        ),
        question_ids=[qid for _kind, qid in rounds],
    )
    teams = list(
        db.session.scalars(
            select(LiveTeam).where(LiveTeam.session_id == session.id).order_by(LiveTeam.id)
        )
    )
    if len(teams) < 2:
        raise ValidationError(_("A stage session needs at least two teams."), field="teams")
    questions = db.session.scalars(
        select(LiveQuestion)
        .where(LiveQuestion.session_id == session.id)
        .order_by(LiveQuestion.index)
    )
    turns = {QuestionKind.REQUIRED: 0, QuestionKind.RISK: 0}
    for question, (kind, _qid) in zip(questions, rounds, strict=True):
        question.kind = kind
        if kind in turns:
            question.team_id = teams[turns[kind] % len(teams)].id
            turns[kind] += 1
    db.session.add(
        StageSettings(
            session_id=session.id,
            points_required=plan.points_required,
            points_buzzer=plan.points_buzzer,
            buzzer_wrong=plan.buzzer_wrong,
            foul_penalty=plan.foul_penalty,
            risk_values=sorted(set(plan.risk_values)),
        )
    )
    for position, user in enumerate(judges):
        db.session.add(StageJudge(session_id=session.id, user_id=user.id, is_head=position == 0))
    db.session.flush()
    return session


def _team_names(plan: StagePlan) -> list[str]:
    names = [n.strip() for n in plan.team_names if n.strip()]
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError(_("Two teams have the same name."), field="teams")
    if any(len(n) > 100 for n in names):
        raise ValidationError(_("At most %(n)d characters.", n=100), field="teams")
    if plan.team_depth is None and len(names) < 2:
        raise ValidationError(_("A stage session needs at least two teams."), field="teams")
    return [] if plan.team_depth is not None else names


def _judges(usernames: list[str]) -> list[User]:
    wanted = [u.strip() for u in usernames if u.strip()]
    if not wanted:
        raise ValidationError(_("Name at least one judge."), field="judges")
    found = {
        u.username: u
        for u in db.session.scalars(select(User).where(User.username.in_(wanted)))
        if u.is_active
    }
    missing = [u for u in wanted if u not in found]
    if missing:
        raise ValidationError(
            _("No active user has the username %(name)s.", name=", ".join(missing)),
            field="judges",
        )
    return [found[u] for u in dict.fromkeys(wanted)]


def _check_points(plan: StagePlan) -> None:
    for name in ("points_required", "points_buzzer", "buzzer_wrong", "foul_penalty"):
        if not 0 <= getattr(plan, name) <= 1000:
            raise ValidationError(_("Give points from 0 to 1000."), field=name)
    values = plan.risk_values
    if plan.risk_ids and not values:
        raise ValidationError(_("Give the values a team may risk."), field="risk_values")
    if len(values) > MAX_RISK_VALUES or any(not 0 < v <= 1000 for v in values):
        raise ValidationError(
            _("Give up to %(n)d values from 1 to 1000.", n=MAX_RISK_VALUES), field="risk_values"
        )


# The flow -----------------------------------------------------------------------------------


def changed(session: LiveSession) -> None:
    """Bump the version and publish the big screen's state once the transaction commits."""
    session.version = (session.version or 0) + 1
    db.session.flush()
    if push.enabled():
        push.publish(messages.channel(session), stage_state.screen_state(session))


def _question(session: LiveSession, index: int) -> LiveQuestion | None:
    return db.session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.session_id == session.id, LiveQuestion.index == index
        )
    )


def next_question(session: LiveSession, *, after: int | None = None) -> LiveSession:
    """Show the next question (from the lobby, the first); after the last, finish.

    ``after``: the index of the question the host saw (-1 in the lobby); when the session is
    at another one by now (the click was sent twice) nothing moves, so no question is skipped."""
    if session.state == LiveState.FINISHED:
        raise ConflictError(_("The session is over."), code="finished")
    if after is not None and after != session.current_index:
        raise ConflictError(
            _("The competition has already moved on; nothing was done."), code="moved_on"
        )
    current = stage_scoring.current_question(session)
    if current is not None:
        current.buzz_open = False
        current.closed_at = current.closed_at or utcnow()
    following = _question(session, session.current_index + 1)
    if following is None:
        return finish(session)
    session.current_index = following.index
    session.state = LiveState.QUESTION
    session.question_opened_at = utcnow()
    following.opened_at = utcnow()
    turn = stage_scoring.turn_of(session, following.index)
    if following.team_id is not None:
        turn.team_id = following.team_id
    changed(session)
    return session


def show_answer(session: LiveSession) -> LiveSession:
    """Show the current question's right answer on the big screen."""
    question = stage_scoring.current_question(session)
    if session.state != LiveState.QUESTION or question is None:
        raise ConflictError(_("No question is open."), code="no_question")
    question.buzz_open = False
    session.state = LiveState.REVEAL
    changed(session)
    return session


def finish(session: LiveSession) -> LiveSession:
    if session.state == LiveState.FINISHED:
        raise ConflictError(_("The session is over."), code="finished")
    session.state = LiveState.FINISHED
    session.finished_at = utcnow()
    awards.award_points(session)  # study points, as for hosted sessions
    changed(session)
    return session


def open_buzzing(session: LiveSession) -> LiveQuestion:
    question = stage_scoring.current_question(session)
    if (
        session.state != LiveState.QUESTION
        or question is None
        or question.kind != QuestionKind.BUZZER
    ):
        raise ConflictError(_("No buzzer question is open."), code="no_buzzer")
    if question.buzz_open:
        raise ConflictError(_("Buzzing is already open."), code="open")
    if stage_scoring.turn_of(session, question.index).team_id is not None:
        raise ConflictError(_("A team has already won this buzz."), code="won")
    question.buzz_open = True
    changed(session)
    return question


def buzz(session: LiveSession, player: LivePlayer, index: Any = None) -> LiveBuzz:
    """A team's buzz (livecore's single sequence per question); a foul costs the penalty, the
    first clean buzz of a team without a foul on this question wins the turn. ``index`` (from
    the API) must name the current question."""
    question = stage_scoring.current_question(session)
    if (
        session.state != LiveState.QUESTION
        or question is None
        or question.kind != QuestionKind.BUZZER
        or index not in (None, question.index)
    ):
        raise ClosedError(_("No buzzer question is open."), code="no_buzzer")
    if player.team_id is None:
        raise ConflictError(_("Join a team first."), code="no_team")
    result = buzzer.buzz(session, player, question.index)
    if result.is_foul:
        stage_scoring.foul(session, player.team_id, question.index)
    _settle_winner(session, question)
    changed(session)
    return result


def _settle_winner(session: LiveSession, question: LiveQuestion) -> None:
    turn = stage_scoring.turn_of(session, question.index)
    if turn.team_id is not None:
        return
    winner = stage_state.buzz_winner(session, question.index)
    if winner is not None:
        turn.team_id = winner.team_id
        db.session.flush()


def pick_risk(session: LiveSession, team: LiveTeam, value: int) -> None:
    """The answering team picks the value it risks on the current risk question."""
    question = stage_scoring.current_question(session)
    if question is None or question.kind != QuestionKind.RISK or session.state != "question":
        raise ConflictError(_("No risk question is open."), code="no_risk")
    turn = stage_scoring.turn_of(session, question.index)
    if turn.team_id != team.id:
        raise ConflictError(_("This question belongs to another team."), code="not_your_turn")
    if turn.verdict is not None or stage_scoring.mark_state(session, turn).marks:
        raise ConflictError(_("The judges are already marking."), code="marking")
    if value not in stage_scoring.settings_of(session).risk_values:
        raise ValidationError(_("Pick one of the offered values."), field="value")
    turn.risk_value = value
    changed(session)


def answer_on_device(
    session: LiveSession, player: LivePlayer, answer: Any, index: Any = None
) -> LiveAnswer:
    """The answering team's answer from a phone (one per team) to a required or risk question;
    the judges see it, marked right or wrong by the question type, and still decide."""
    question = stage_scoring.current_question(session)
    if question is None or question.kind not in (QuestionKind.REQUIRED, QuestionKind.RISK):
        raise ClosedError(_("This question is not open for answers."))
    turn = stage_scoring.turn_of(session, question.index)
    if player.team_id is None or turn.team_id != player.team_id:
        raise ConflictError(_("This question belongs to another team."), code="not_your_turn")
    if stage_state.device_answer(session, question) is not None:
        raise AlreadyAnsweredError(_("Your team has already answered."))
    stored = answers.submit(session, player, question.index if index is None else index, answer)
    changed(session)
    return stored


def choose_team(session: LiveSession, player: LivePlayer, team: LiveTeam) -> LivePlayer:
    """A player picks their team among the host's, until the first question opens."""
    if team.session_id != session.id or player.session_id != session.id:
        raise ValidationError(_("Choose a team of this session."), field="team")
    if session.team_depth is not None:
        raise ConflictError(_("Teams are the organisation's units here."), code="unit_teams")
    if session.state != LiveState.LOBBY and player.team_id is not None:
        raise ConflictError(_("Teams are fixed once the session starts."), code="started")
    player.team_id = team.id
    changed(session)
    return player


# Scoring actions, each published ------------------------------------------------------------


def mark(session: LiveSession, judge: User, verdict: str, *, decide: bool = False) -> None:
    stage_scoring.mark(session, judge, verdict, decide=decide)
    changed(session)


def undo_last(session: LiveSession, by: User, *, expected: int | None = None) -> None:
    stage_scoring.undo_last(session, by, expected=expected)
    changed(session)


def adjust(session: LiveSession, team: LiveTeam, delta: int, reason: str, by: User) -> None:
    stage_scoring.adjust(session, team, delta, reason, by)
    changed(session)


def freeze(session: LiveSession) -> None:
    stage_scoring.freeze(session)
    changed(session)


def reveal(session: LiveSession) -> None:
    stage_scoring.reveal(session)
    changed(session)

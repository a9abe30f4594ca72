"""Scoring a stage session: judges' marks, score events (the audit log), undo, adjustments,
team scores, and the big screen's freeze and reveal.

A turn's answer is settled when every judge has marked it alike, or, when they disagree, by
the head judge's decision; settling writes one score event (a wrong required answer writes a
0-point event, so undo and the log treat every settled answer alike). A team's score is the sum
of its events not undone, cached on ``LiveTeam.score``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from live.models import LiveQuestion, LiveSession, LiveTeam, QuestionKind
from live.stage_models import (
    EventKind,
    ScoreEvent,
    StageJudge,
    StageMark,
    StageSettings,
    StageTurn,
    Verdict,
)
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, PermissionDeniedError, ValidationError
from lms.core.extensions import db

MAX_ADJUST = 10_000


@dataclass(frozen=True)
class TeamScore:
    team_id: int
    name: str
    score: int
    rank: int


@dataclass(frozen=True)
class MarkState:
    """Where the marking of the current turn stands, for the judge console."""

    marks: dict[int, str]  # judge user id -> verdict
    decision: str | None
    disagreement: bool
    settled: str | None


def settings_of(session: LiveSession) -> StageSettings:
    found = db.session.get(StageSettings, session.id)
    if found is None:
        found = StageSettings(session_id=session.id)
        db.session.add(found)
        db.session.flush()
    return found


def judges_of(session: LiveSession) -> list[StageJudge]:
    return list(
        db.session.scalars(
            select(StageJudge)
            .where(StageJudge.session_id == session.id)
            .order_by(StageJudge.is_head.desc(), StageJudge.id)
        )
    )


def judge_of(session: LiveSession, user: User) -> StageJudge | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(StageJudge).where(StageJudge.session_id == session.id, StageJudge.user_id == user.id)
    )


def turn_of(session: LiveSession, index: int, *, create: bool = True) -> StageTurn:
    """The question's turn; without ``create`` (pages that only read) a missing one is a blank
    turn that is not stored."""
    turn = db.session.scalar(
        select(StageTurn).where(StageTurn.session_id == session.id, StageTurn.index == index)
    )
    if turn is None:
        turn = StageTurn(session_id=session.id, index=index, attempt=1)
        if create:
            db.session.add(turn)
            db.session.flush()
    return turn


def current_question(session: LiveSession) -> LiveQuestion | None:
    if session.current_index < 0:
        return None
    return db.session.scalar(
        select(LiveQuestion).where(
            LiveQuestion.session_id == session.id, LiveQuestion.index == session.current_index
        )
    )


# Events -------------------------------------------------------------------------------------


def _event(
    session: LiveSession,
    team_id: int,
    delta: int,
    kind: EventKind,
    actor: User | None,
    *,
    reason: str = "",
    index: int | None = None,
) -> ScoreEvent:
    event = ScoreEvent(
        session_id=session.id,
        team_id=team_id,
        delta=delta,
        kind=kind,
        reason=reason,
        actor_id=getattr(actor, "id", None),
        question_index=index,
        created_at=utcnow(),
    )
    db.session.add(event)
    db.session.flush()
    _recount(session)
    return event


def _recount(session: LiveSession) -> None:
    sums = dict(
        db.session.execute(
            select(ScoreEvent.team_id, func.coalesce(func.sum(ScoreEvent.delta), 0))
            .where(ScoreEvent.session_id == session.id, ScoreEvent.undone_at.is_(None))
            .group_by(ScoreEvent.team_id)
        ).all()
    )
    for team in db.session.scalars(select(LiveTeam).where(LiveTeam.session_id == session.id)):
        team.score = int(sums.get(team.id, 0))
    db.session.flush()


def log_of(session: LiveSession) -> list[ScoreEvent]:
    """Every score event, newest first (undone ones included)."""
    return list(
        db.session.scalars(
            select(ScoreEvent)
            .where(ScoreEvent.session_id == session.id)
            .order_by(ScoreEvent.id.desc())
        )
    )


def foul(session: LiveSession, team_id: int, index: int) -> ScoreEvent | None:
    """The foul penalty for a team's buzz before buzzing opened (once per team and question)."""
    penalty = settings_of(session).foul_penalty
    already = db.session.scalar(
        select(ScoreEvent.id).where(
            ScoreEvent.session_id == session.id,
            ScoreEvent.team_id == team_id,
            ScoreEvent.kind == EventKind.FOUL,
            ScoreEvent.question_index == index,
            ScoreEvent.undone_at.is_(None),
        )
    )
    if already is not None:
        return None
    try:  # a parallel foul of a teammate may be first: the partial unique index refuses ours
        with db.session.begin_nested():
            return _event(
                session,
                team_id,
                -penalty,
                EventKind.FOUL,
                None,
                reason=_("Early buzz"),
                index=index,
            )
    except IntegrityError:
        return None


def adjust(session: LiveSession, team: LiveTeam, delta: int, reason: str, by: User) -> ScoreEvent:
    """A score change by hand; it needs a reason."""
    reason = (reason or "").strip()
    if team.session_id != session.id:
        raise ValidationError(_("Choose a team of this session."), field="team")
    if not delta or abs(delta) > MAX_ADJUST:
        raise ValidationError(
            _("Give a change of points other than 0 (at most %(n)d).", n=MAX_ADJUST),
            field="delta",
        )
    if not reason:
        raise ValidationError(_("Give a reason for the adjustment."), field="reason")
    if len(reason) > 500:
        raise ValidationError(_("At most %(n)d characters.", n=500), field="reason")
    return _event(session, team.id, delta, EventKind.ADJUST, by, reason=reason)


def last_standing(session: LiveSession) -> ScoreEvent | None:
    """The newest scoring action not undone: the one "undo" takes back."""
    return db.session.scalar(
        select(ScoreEvent)
        .where(ScoreEvent.session_id == session.id, ScoreEvent.undone_at.is_(None))
        .order_by(ScoreEvent.id.desc())
        .limit(1)
    )


def undo_last(session: LiveSession, by: User, *, expected: int | None = None) -> ScoreEvent:
    """Undo the newest scoring action still standing; an undone answer is marked afresh.

    ``expected``: the id of the action the host saw as the last one; when another one is last
    by now (the click was sent twice, or a judge marked meanwhile) nothing is undone."""
    event = last_standing(session)
    if event is None:
        raise ConflictError(_("There is no scoring action to undo."), code="nothing_to_undo")
    if expected is not None and event.id != expected:
        raise ConflictError(
            _("The last scoring action is another one by now; nothing was undone."),
            code="moved_on",
        )
    event.undone_at = utcnow()
    event.undone_by_id = by.id
    if event.kind in (EventKind.REQUIRED, EventKind.BUZZER, EventKind.RISK):
        turn = turn_of(session, event.question_index or 0)
        turn.verdict = None
        turn.settled_at = None
        turn.attempt += 1
    db.session.flush()
    _recount(session)
    return event


# Marks --------------------------------------------------------------------------------------


def mark_state(session: LiveSession, turn: StageTurn) -> MarkState:
    rows = db.session.scalars(
        select(StageMark).where(
            StageMark.session_id == session.id,
            StageMark.index == turn.index,
            StageMark.attempt == turn.attempt,
        )
    )
    marks: dict[int, str] = {}
    decision = None
    for row in rows:
        if row.is_decision:
            decision = row.verdict
        else:
            marks[row.judge_id] = row.verdict
    return MarkState(
        marks=marks,
        decision=decision,
        disagreement=len(set(marks.values())) > 1,
        settled=turn.verdict,
    )


def _markable(
    session: LiveSession, judge: StageJudge | None, verdict: str, decide: bool
) -> tuple[LiveQuestion, StageTurn]:
    """The current question and its turn, if this judge may mark it now with ``verdict``."""
    if judge is None:
        raise PermissionDeniedError(_("Only the session's judges mark answers."))
    if verdict not in (Verdict.RIGHT, Verdict.WRONG):
        raise ValidationError(_("Mark the answer right or wrong."), field="verdict")
    question = current_question(session)
    if question is None or question.kind == QuestionKind.NORMAL:
        raise ConflictError(_("No stage question is open."), code="no_question")
    turn = turn_of(session, question.index)
    # Judges marking at once wait for each other here, so the last one sees every mark.
    db.session.refresh(turn, with_for_update=True)
    if turn.verdict is not None:
        raise ConflictError(_("This answer is already marked."), code="settled")
    if turn.team_id is None:
        raise ConflictError(_("No team is answering yet."), code="no_team")
    if question.kind == QuestionKind.RISK and turn.risk_value is None:
        raise ConflictError(_("The team has not picked a value yet."), code="no_value")
    if decide:
        if not judge.is_head:
            raise PermissionDeniedError(_("Only the head judge decides."))
        if not mark_state(session, turn).disagreement:
            raise ConflictError(_("The judges do not disagree."), code="no_disagreement")
    return question, turn


def mark(
    session: LiveSession, judge_user: User, verdict: str, *, decide: bool = False
) -> MarkState:
    """A judge marks the current turn's answer right or wrong; the head judge may ``decide``
    once the judges disagree. Settles the turn when the marks allow."""
    question, turn = _markable(session, judge_of(session, judge_user), verdict, decide)
    existing = db.session.scalar(
        select(StageMark).where(
            StageMark.session_id == session.id,
            StageMark.index == turn.index,
            StageMark.attempt == turn.attempt,
            StageMark.judge_id == judge_user.id,
            StageMark.is_decision.is_(decide),
        )
    )
    if existing is None:
        existing = StageMark(
            session_id=session.id,
            index=turn.index,
            attempt=turn.attempt,
            judge_id=judge_user.id,
            is_decision=decide,
        )
        db.session.add(existing)
    existing.verdict = verdict
    existing.created_at = utcnow()
    db.session.flush()
    state = mark_state(session, turn)
    outcome = state.decision
    if outcome is None and not state.disagreement:
        judge_ids = {j.user_id for j in judges_of(session)}
        if judge_ids <= set(state.marks):
            outcome = next(iter(state.marks.values()))
    if outcome is not None:
        _settle(session, question, turn, outcome, judge_user)
    return mark_state(session, turn)


def _settle(
    session: LiveSession, question: LiveQuestion, turn: StageTurn, verdict: str, by: User
) -> None:
    settings = settings_of(session)
    right = verdict == Verdict.RIGHT
    if question.kind == QuestionKind.REQUIRED:
        delta, kind = (settings.points_required if right else 0), EventKind.REQUIRED
    elif question.kind == QuestionKind.BUZZER:
        delta = settings.points_buzzer if right else -settings.buzzer_wrong
        kind = EventKind.BUZZER
    else:
        value = turn.risk_value or 0
        delta, kind = (value if right else -value), EventKind.RISK
    turn.verdict = verdict
    turn.settled_at = utcnow()
    reason = _("Right") if right else _("Wrong")
    assert turn.team_id is not None  # noqa: S101 - checked by mark()
    _event(session, turn.team_id, delta, kind, by, reason=reason, index=turn.index)


# Scores and the freeze ----------------------------------------------------------------------


def team_scores(session: LiveSession, *, public: bool = False) -> list[TeamScore]:
    """Teams by score (rank shared on ties); ``public``: as the big screen shows them, which
    stands still while the scores are frozen."""
    teams = list(db.session.scalars(select(LiveTeam).where(LiveTeam.session_id == session.id)))
    frozen = settings_of(session).frozen_scores if public else None
    scores = {t.id: int(frozen.get(str(t.id), 0)) if frozen else t.score for t in teams}
    ordered = sorted(teams, key=lambda t: (-scores[t.id], t.id))
    result, rank, last = [], 0, None
    for position, team in enumerate(ordered, start=1):
        if scores[team.id] != last:
            rank, last = position, scores[team.id]
        result.append(TeamScore(team.id, team.name, scores[team.id], rank))
    return result


def is_frozen(session: LiveSession) -> bool:
    return settings_of(session).frozen_scores is not None


def freeze(session: LiveSession) -> StageSettings:
    """The big screen keeps showing the scores of now until revealed."""
    settings = settings_of(session)
    if settings.frozen_scores is not None:
        raise ConflictError(_("The scores are already frozen."), code="frozen")
    teams = db.session.scalars(select(LiveTeam).where(LiveTeam.session_id == session.id))
    settings.frozen_scores = {str(t.id): t.score for t in teams}
    settings.frozen_at = utcnow()
    db.session.flush()
    return settings


def reveal(session: LiveSession) -> StageSettings:
    settings = settings_of(session)
    if settings.frozen_scores is None:
        raise ConflictError(_("The scores are not frozen."), code="not_frozen")
    settings.frozen_scores = None
    settings.revealed_at = utcnow()
    db.session.flush()
    return settings

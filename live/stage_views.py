"""Pages of the stage format: setting a session up, the host's and the judges' consoles, the
teams' phones (join, buzz, risk) and the big screen with its polled state.

Every page polls a small JSON state with its ETag (or listens on ``live-<id>`` with the push
tier) and reloads when the session's version changes; no request waits for a change.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from live import permissions as live_permissions
from live import stage_pages
from live.models import Format, LivePlayer, LiveSession, LiveTeam
from live.pin_limits import limit_pin_guessing
from live.services import joining, stage, stage_scoring, stage_state
from live.stage_forms import AdjustForm, MarkForm, PinForm, RiskForm, StageForm, TeamForm, numbers
from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.accounts.models import Role
from lms.core.errors import DomainError
from lms.core.extensions import db
from lms.core.forms import submit

bp = Blueprint("live_stage", __name__)

HOST_ACTIONS = {
    "next": stage.next_question,
    "show-answer": stage.show_answer,
    "open-buzzing": stage.open_buzzing,
    "freeze": stage.freeze,
    "reveal": stage.reveal,
    "finish": stage.finish,
}


def _session(session_id: int) -> LiveSession:
    session = db.session.get(LiveSession, session_id)
    if session is None or session.format != Format.STAGE:
        abort(404)
    return session


def _hosted(session_id: int) -> LiveSession:
    session = _session(session_id)
    if not live_permissions.can_host(current_user, session):
        abort(404)
    return session


def _player(session: LiveSession) -> LivePlayer | None:
    return joining.player_of(session, current_user)


def _act(session: LiveSession, action: Any) -> None:
    """Run a service on the session as one transaction, publishing its change; a refusal
    comes back as a flash message."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return
    db.session.commit()


# Setting up ---------------------------------------------------------------------------------


@bp.route("/live/stage/")
@permissions.staff
def index() -> Any:
    """The stage sessions the user hosts (admins: all), newest first."""
    query = select(LiveSession).where(LiveSession.format == Format.STAGE)
    if not current_user.has_role(Role.ADMIN):
        query = query.where(LiveSession.host_id == current_user.id)
    found = db.session.scalars(query.order_by(LiveSession.id.desc()).limit(100))
    return render_template("live/stage/index.html", sessions=list(found))


@bp.route("/live/stage/new", methods=["GET", "POST"])
@permissions.staff
def create() -> Any:
    form = StageForm()
    quizzes = [
        (0, _("— none —")),
        *((q.id, _("%(title)s · %(n)d questions", title=q.title, n=n))
          for q, n in stage.quizzes_for_rounds()),
    ]  # fmt: skip
    for select_field in (form.required_quiz, form.buzzer_quiz, form.risk_quiz):
        select_field.choices = quizzes
    if form.validate_on_submit():
        plan = stage.StagePlan(
            title=form.title.data or "",
            team_names=(form.teams.data or "").splitlines(),
            team_depth=form.team_depth.data or None,
            judges=(form.judges.data or "").split(),
            required_ids=stage.quiz_question_ids(form.required_quiz.data)
            + numbers(form.required_ids.data),
            buzzer_ids=stage.quiz_question_ids(form.buzzer_quiz.data)
            + numbers(form.buzzer_ids.data),
            risk_ids=stage.quiz_question_ids(form.risk_quiz.data) + numbers(form.risk_ids.data),
            points_required=form.points_required.data or 0,
            points_buzzer=form.points_buzzer.data or 0,
            buzzer_wrong=form.buzzer_wrong.data or 0,
            foul_penalty=form.foul_penalty.data or 0,
            risk_values=numbers(form.risk_values.data),
        )
        outcome = submit(form, lambda: stage.create_stage(current_user, plan))
        if outcome.ok and outcome.value is not None:
            flash(_("Stage session created. Teams join with the PIN."), "success")
            return redirect(url_for("live_stage.host", session_id=outcome.value.id))
    return render_template("live/stage/new.html", form=form)


# The host -----------------------------------------------------------------------------------


@bp.route("/live/<int:session_id>/stage")
@permissions.authenticated
def host(session_id: int) -> Any:
    return _host_page(_hosted(session_id), AdjustForm(formdata=None))


def _host_page(session: LiveSession, adjust: AdjustForm) -> str:
    adjust.team.choices = [(t.id, t.name) for t in session.teams]
    return render_template(
        "live/stage/host.html",
        **stage_pages.console(session),
        adjust=adjust,
        log=stage_scoring.log_of(session),
        last_standing=stage_scoring.last_standing(session),
        players=list(
            db.session.scalars(
                select(LivePlayer)
                .where(LivePlayer.session_id == session.id)
                .order_by(LivePlayer.id)
            )
        ),
    )


def _seen(name: str) -> int | None:
    """What the host's page showed when the step was clicked (a question's index, a scoring
    action's id), sent with the step so a click sent twice does not step twice."""
    value = request.form.get(name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        abort(400)


@bp.route("/live/<int:session_id>/stage/do/<action>", methods=["POST"])
@permissions.authenticated
def act(session_id: int, action: str) -> Any:
    session = _hosted(session_id)
    if action not in HOST_ACTIONS:
        abort(404)
    if action == "next":
        _act(session, partial(stage.next_question, session, after=_seen("after")))
    else:
        _act(session, partial(HOST_ACTIONS[action], session))
    return redirect(url_for("live_stage.host", session_id=session.id))


@bp.route("/live/<int:session_id>/stage/undo", methods=["POST"])
@permissions.authenticated
def undo(session_id: int) -> Any:
    session = _hosted(session_id)
    _act(session, partial(stage.undo_last, session, current_user, expected=_seen("event")))
    return redirect(url_for("live_stage.host", session_id=session.id))


@bp.route("/live/<int:session_id>/stage/adjust", methods=["POST"])
@permissions.authenticated
def adjust(session_id: int) -> Any:
    session = _hosted(session_id)
    form = AdjustForm()
    form.team.choices = [(t.id, t.name) for t in session.teams]
    if form.validate_on_submit():
        team = db.session.get(LiveTeam, form.team.data)
        delta, reason = form.delta.data or 0, form.reason.data or ""
        outcome = submit(form, lambda: stage.adjust(session, team, delta, reason, current_user))
        if outcome.ok:
            return redirect(url_for("live_stage.host", session_id=session.id))
    return _host_page(session, form)


# The judges ---------------------------------------------------------------------------------


@bp.route("/live/<int:session_id>/stage/judge")
@permissions.authenticated
def judge(session_id: int) -> Any:
    session = _session(session_id)
    me = stage_scoring.judge_of(session, current_user)
    if me is None and not live_permissions.can_host(current_user, session):
        abort(404)
    return render_template("live/stage/judge.html", **stage_pages.console(session), me=me)


@bp.route("/live/<int:session_id>/stage/mark", methods=["POST"])
@permissions.authenticated
def mark(session_id: int) -> Any:
    session = _session(session_id)
    if stage_scoring.judge_of(session, current_user) is None:
        abort(404)
    form = MarkForm()
    if form.validate_on_submit():
        verdict, decide = form.verdict.data or "", form.decide.data == "1"
        _act(session, lambda: stage.mark(session, current_user, verdict, decide=decide))
    return redirect(url_for("live_stage.judge", session_id=session.id))


# The teams' phones --------------------------------------------------------------------------


def _refused_join(response: Response) -> bool:
    """A join form shown again after a POST (a wrong PIN) counts against the PIN limits."""
    return request.method == "POST" and response.status_code == 200


@bp.route("/live/stage/join", methods=["GET", "POST"])
@permissions.authenticated
@limit_pin_guessing(refused=_refused_join, methods=["POST"])
def join() -> Any:
    form = PinForm(request.form if request.method == "POST" else None, pin=request.args.get("pin"))
    if form.validate_on_submit():
        outcome = submit(form, lambda: joining.join(form.pin.data or "", user=current_user))
        if outcome.ok and outcome.value is not None:
            return redirect(url_for("live_stage.team", session_id=outcome.value.session_id))
    return render_template("live/stage/join.html", form=form)


@bp.route("/live/<int:session_id>/stage/team", methods=["GET", "POST"])
@permissions.authenticated
def team(session_id: int) -> Any:
    session = _session(session_id)
    player = _player(session)
    if player is None:
        return redirect(url_for("live_stage.join", pin=session.pin))
    form = TeamForm(obj=None, team=player.team_id)
    form.team.choices = [(t.id, t.name) for t in session.teams]
    if form.validate_on_submit():
        chosen = db.session.get(LiveTeam, form.team.data)
        if chosen is not None:
            _act(session, lambda: stage.choose_team(session, player, chosen))
        return redirect(url_for("live_stage.team", session_id=session.id))
    state = stage_state.screen_state(session)
    mine = state["question"] and state["question"]["team_id"] == player.team_id
    question = stage_scoring.current_question(session)
    return render_template(
        "live/stage/team.html",
        session=session,
        player=player,
        state=state,
        mine=mine,
        form=form,
        risk_form=RiskForm(),
        confirm_form=ConfirmForm(),
        values=stage_scoring.settings_of(session).risk_values,
        device=stage_state.device_answer(session, question) if question else None,
        page=stage_pages.page_data(session),
    )


@bp.route("/live/<int:session_id>/stage/buzz", methods=["POST"])
@permissions.authenticated
def buzz(session_id: int) -> Any:
    session = _session(session_id)
    player = _player(session)
    if player is None:
        abort(404)
    try:
        result = stage.buzz(session, player)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if result.is_foul:
            flash(_("Too early: buzzing was not open. Your team loses points."), "error")
        else:
            flash(_("You buzzed: number %(n)d.", n=result.order or 0), "success")
    return redirect(url_for("live_stage.team", session_id=session.id))


@bp.route("/live/<int:session_id>/stage/answer", methods=["POST"])
@permissions.authenticated
def answer(session_id: int) -> Any:
    """The answering team's answer from a phone (choice questions)."""
    session = _session(session_id)
    player = _player(session)
    if player is None:
        abort(404)
    question = stage_scoring.current_question(session)
    picked = request.form.getlist("answer")
    multiple = question is not None and question.version.type == "multiple_choice"
    given: Any = picked if multiple else (picked[0] if picked else None)
    if ConfirmForm().validate_on_submit():
        _act(session, lambda: stage.answer_on_device(session, player, given))
    return redirect(url_for("live_stage.team", session_id=session.id))


@bp.route("/live/<int:session_id>/stage/risk", methods=["POST"])
@permissions.authenticated
def risk(session_id: int) -> Any:
    """The answering team's player (or the host for them) picks the value risked."""
    session = _session(session_id)
    hosting = live_permissions.can_host(current_user, session)
    player = _player(session)
    if not hosting and player is None:
        abort(404)
    form = RiskForm()
    question = stage_scoring.current_question(session)
    turn = stage_scoring.turn_of(session, question.index) if question is not None else None
    team_id = turn.team_id if hosting and turn is not None else getattr(player, "team_id", None)
    team = db.session.get(LiveTeam, team_id) if team_id else None
    if form.validate_on_submit() and team is not None:
        value = numbers(form.value.data)
        _act(session, lambda: stage.pick_risk(session, team, value[0] if value else 0))
    target = "live_stage.host" if hosting and player is None else "live_stage.team"
    return redirect(url_for(target, session_id=session.id))


# The big screen and the polled state --------------------------------------------------------


@bp.route("/live/stage/screen/<screen_token>")
@permissions.public
def screen(screen_token: str) -> Any:
    session = _screened(screen_token)
    page = stage_pages.page_data(session)
    page["state_url"] = url_for("live_stage.screen_state", screen_token=screen_token)
    if page["subscribe_url"]:  # the push tier lets the screen in by its token
        page["subscribe_url"] += f"?token={session.screen_token}"
    return render_template(
        "live/stage/screen.html",
        session=session,
        state=stage_state.screen_state(session),
        join_url=url_for("live_stage.join", _external=True),
        words=stage_pages.screen_words(),
        page=page,
    )


@bp.route("/live/stage/screen/<screen_token>/state.json")
@permissions.public
def screen_state(screen_token: str) -> Any:
    return stage_pages.conditional(stage_state.screen_state(_screened(screen_token)))


@bp.route("/live/<int:session_id>/stage/state.json")
@permissions.authenticated
def state(session_id: int) -> Any:
    session = _session(session_id)
    allowed = (
        live_permissions.can_host(current_user, session)
        or stage_scoring.judge_of(session, current_user) is not None
        or _player(session) is not None
    )
    if not allowed:
        abort(404)
    return stage_pages.conditional(stage_state.screen_state(session))


def _screened(screen_token: str) -> LiveSession:
    session = db.session.scalar(
        select(LiveSession).where(LiveSession.screen_token == screen_token[:64])
    )
    if session is None or session.format != Format.STAGE:
        abort(404)
    return session

"""What the live pages read and send, in the pages' terms: the organizer's list and the create
form's choices, the results, joining from the PIN form (with the guest's cookie), the state
each page starts from (``board.state_for``; the host's adds the right answer), the URLs pages
poll and subscribe to, and the join QR code. Rules stay in the services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import segno
from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import case, func, select

from live.forms import SessionForm
from live.models import Format, LiveAnswer, LivePlayer, LiveSession, LiveState
from live.permissions import can_use_any_unit, led_units, may_use_bank
from live.services import board, joining, messages, picking, questions, sessions
from live.viewer import guest_cookie_name, viewer_for
from lms.accounts.models import OrgUnit, User
from lms.accounts.services import org_units
from lms.core import push
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from question_bank.render import stem_html
from question_bank.services import categories
from quizzes.models import Quiz

GUEST_COOKIE_SECONDS = 2 * 24 * 3600  # as the API's join
HOST_BOARD = 20
ACTIONS: dict[str, Callable[[LiveSession], Any]] = {
    "next": sessions.advance,
    "pause": sessions.pause,
    "resume": sessions.resume,
    "extend": lambda s: sessions.extend(s, 10),
    "skip": sessions.skip,
    "end": sessions.end,
    "close": sessions.close,
}


def get_session(session_id: int) -> LiveSession:
    live_session = db.session.get(LiveSession, session_id)
    if live_session is None:
        raise NotFoundError(_("This live session does not exist."))
    return live_session


@dataclass(frozen=True)
class SessionRow:
    session: LiveSession
    players: int


def my_sessions(user: User) -> list[SessionRow]:
    """The hosted sessions ``user`` runs, newest first, with how many joined (stage sessions
    have their own list, ``live_stage.index``)."""
    counts = (
        select(LivePlayer.session_id, func.count().label("n"))
        .group_by(LivePlayer.session_id)
        .subquery()
    )
    rows = db.session.execute(
        select(LiveSession, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.session_id == LiveSession.id)
        .where(LiveSession.host_id == user.id, LiveSession.format == Format.HOSTED)
        .order_by(LiveSession.created_at.desc(), LiveSession.id.desc())
        .limit(200)
    )
    return [SessionRow(session, players) for session, players in rows]


@dataclass(frozen=True)
class QuestionStats:
    index: int
    stem: Markup
    answered: int
    right: int
    average_seconds: float | None


@dataclass(frozen=True)
class Report:
    entries: list[board.Entry]
    teams: list[board.Entry]
    questions: list[QuestionStats]


def report(live_session: LiveSession) -> Report:
    """The results: every player by rank, teams, and how each question went."""
    rows = db.session.execute(
        select(
            LiveAnswer.index,
            func.count(),
            func.sum(case((LiveAnswer.is_correct.is_(True), 1), else_=0)),
            func.avg(LiveAnswer.elapsed_ms),
        )
        .where(LiveAnswer.session_id == live_session.id)
        .group_by(LiveAnswer.index)
    )
    tally = {index: (n, right or 0, avg) for index, n, right, avg in rows}
    stats = []
    for question in live_session.questions:
        n, right, avg = tally.get(question.index, (0, 0, None))
        seconds = round(float(avg) / 1000, 1) if avg is not None else None
        stats.append(QuestionStats(question.index, stem_html(question.version), n, right, seconds))
    teams = board.team_board(live_session) if live_session.mode == "teams" else []
    return Report(board.leaderboard(live_session), teams, stats)


# The create form -------------------------------------------------------------------------


def fill_choices(form: SessionForm, user: User) -> None:
    """Quizzes and categories the user may start from, and the units they may host for.

    Organizers and admins use any quiz and the bank; a unit's leader uses published quizzes
    and hosts for a unit they lead."""
    staff = may_use_bank(user)
    quizzes = select(Quiz).order_by(Quiz.title)
    if not staff:
        quizzes = quizzes.where(Quiz.is_published.is_(True))
    form.quiz_id.choices = [(0, "—"), *((q.id, q.title) for q in db.session.scalars(quizzes))]
    if staff:
        form.category_id.choices = [
            (0, "—"),
            *((c.id, c.path) for c in categories.all_categories()),
        ]
        form.unit_id.choices = [
            (0, "—"),
            *((u.id, u.path) for u in org_units.all_units()),
        ]
    else:
        form.source.choices = [c for c in form.source.choices if c.value == "quiz"]
        form.category_id.choices = []
        form.unit_id.choices = [(u.id, u.path) for u in led_units(user)]


def create_from_form(form: SessionForm, user: User) -> LiveSession:
    settings = sessions.SessionSettings(
        title=form.title.data or "",
        mode=form.mode.data,
        scoring=form.scoring.data,
        seconds_per_question=form.seconds_per_question.data,
        guests=bool(form.guests.data),
        streak_bonus=bool(form.streak_bonus.data),
        team_depth=(form.team_depth.data or None) if form.mode.data == "teams" else None,
        team_names=form.names() if form.mode.data == "teams" and not form.team_depth.data else (),
    )
    unit = _chosen_unit(form, user)
    if form.source.data == "bank" and may_use_bank(user):
        category = categories.get_category(form.category_id.data)
        ids = picking.pick_questions(category, form.count.data or 0)
        return sessions.create_session(user, settings, question_ids=ids, unit=unit)
    quiz = _chosen_quiz(form)
    return sessions.create_session(user, settings, quiz=quiz, unit=unit)


def _chosen_quiz(form: SessionForm) -> Quiz | None:
    allowed = {value for value, _label in form.quiz_id.choices}
    quiz_id = form.quiz_id.data
    return db.session.get(Quiz, quiz_id) if quiz_id and quiz_id in allowed else None


def _chosen_unit(form: SessionForm, user: User) -> OrgUnit | None:
    """The unit the session is for: a leader's always one they lead; staff may leave it out."""
    allowed = {value for value, _label in form.unit_id.choices}
    unit_id = form.unit_id.data
    if unit_id and unit_id in allowed:
        return org_units.get_unit(unit_id)
    if not can_use_any_unit(user):
        led = led_units(user)
        return led[0] if led else None
    return None


# Joining ---------------------------------------------------------------------------------


def join(form: Any, user: Any) -> tuple[LivePlayer, str | None]:
    """Join by the form's PIN: a member as themselves, a guest with a nickname (and the key
    their cookie keeps, so a reload finds the same player)."""
    pin = form.pin.data
    if getattr(user, "is_authenticated", False):
        return joining.join(pin, user=user), None
    live_session = joining.open_session_by_pin(pin)
    key = request.cookies.get(guest_cookie_name(live_session.id))
    player = joining.join(pin, nickname=form.nickname.data, guest_key=key)
    return player, player.guest_key


def set_guest_cookie(response: Response, session_id: int, key: str) -> None:
    response.set_cookie(
        guest_cookie_name(session_id),
        key,
        max_age=GUEST_COOKIE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


def player_of_request(live_session: LiveSession) -> LivePlayer | None:
    """The phone's player: the signed-in member's, or the guest's by cookie."""
    from flask_login import current_user  # noqa: PLC0415 - the request's user, read late

    key = request.cookies.get(guest_cookie_name(live_session.id))
    return viewer_for(live_session, current_user, guest_key=key).player


# What each page reads ------------------------------------------------------------------------


def player_state(live_session: LiveSession, player: LivePlayer) -> dict[str, Any]:
    return board.state_for(live_session, player=player)


def screen_state(live_session: LiveSession) -> dict[str, Any]:
    return board.state_for(live_session, screen=True)


def host_state(live_session: LiveSession) -> dict[str, Any]:
    """The public state plus what only the host sees: the open question's right answer and the
    leaderboard at every step."""
    state = board.state_for(live_session, screen=True)
    question = sessions.current_question(live_session)
    state["host"] = {
        "correct": questions.correct_tokens(question)
        if question is not None and state["state"] in (LiveState.QUESTION, LiveState.REVEAL)
        else [],
        "leaderboard": [board.entry_json(e) for e in board.leaderboard(live_session, HOST_BOARD)],
        "last": live_session.current_index + 1 >= state["total"],
        # Teams the host named: the console lets them move players between them.
        "teams": [{"id": t.id, "name": t.name} for t in live_session.teams]
        if live_session.mode == "teams" and live_session.team_depth is None
        else [],
    }
    return state


def screened(token: str) -> LiveSession:
    live_session = db.session.scalar(
        select(LiveSession).where(LiveSession.screen_token == token[:64])
    )
    if live_session is None:
        abort(404)
    return live_session


def state_url(live_session: LiveSession, *, screen: bool = False) -> str:
    """The API's state of the session, which phones and the big screen (by token) poll."""
    token = live_session.screen_token if screen else None
    return url_for("live_api.get_session", session_id=live_session.id, token=token)


def subscribe_url(live_session: LiveSession, *, screen: bool = False) -> str | None:
    """The session's channel; the big screen names itself by its token (it has no login)."""
    return _channel_url(f"live-{live_session.id}", live_session, screen)


def player_subscribe_url(live_session: LiveSession, player: LivePlayer) -> str | None:
    """A phone's channel: the state with the results of its bucket's players only."""
    return push.subscribe_url(messages.player_channel(live_session, player.id))


def counts_url(live_session: LiveSession, *, screen: bool = False) -> str | None:
    """The channel of joins and answer counts (the host and the big screen only)."""
    return _channel_url(f"live-{live_session.id}-screen", live_session, screen)


def _channel_url(channel: str, live_session: LiveSession, screen: bool) -> str | None:
    url = push.subscribe_url(channel)
    if url and screen:
        url += "?" + urlencode({"token": live_session.screen_token})
    return url


def qr_svg(link: str) -> Markup:
    """The join link as an inline SVG QR code (no image request, no inline style)."""
    svg = segno.make(link, error="m").svg_inline(scale=10, border=2, omitsize=True)
    return Markup(svg)  # noqa: S704 - segno's own SVG of a URL we built

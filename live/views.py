"""Pages of live hosted sessions: the organizer's list and create form, joining by PIN or QR,
the phone, the host console, the public big screen and the results.

Views are thin: rules live in ``live.services``. Each page starts from its state rendered in,
then polls (with ETags, never waiting for a change, so no server thread is held by a watcher)
or, with a push tier, subscribes to the session's channels: phones and the big screen read the
live API's state (the screen by its token), the host console its own state with the right
answer, and its buttons post to the host actions here.
"""

from __future__ import annotations

from collections.abc import Callable
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

from live import pages
from live.forms import STATE_LABELS, JoinForm, SessionForm
from live.models import Format, LiveSession
from live.permissions import can_create_sessions, can_host, can_see_results
from live.pin_limits import limit_pin_guessing
from lms.accounts import permissions
from lms.core.errors import DomainError, json_error
from lms.core.extensions import db
from lms.core.forms import show_error, submit

bp = Blueprint("live", __name__, url_prefix="/live")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"state_labels": STATE_LABELS}


# The organizer's pages ---------------------------------------------------------------------


@bp.route("/sessions")
@permissions.authenticated
def index() -> Any:
    _may_create()
    return render_template("live/index.html", rows=pages.my_sessions(current_user))


@bp.route("/sessions/new", methods=["GET", "POST"])
@permissions.authenticated
def create() -> Any:
    _may_create()
    form = SessionForm()
    pages.fill_choices(form, current_user)
    if form.validate_on_submit():
        outcome = submit(form, lambda: pages.create_from_form(form, current_user))
        if outcome.ok and outcome.value is not None:
            return redirect(url_for("live.host", session_id=outcome.value.id))
    return render_template("live/create.html", form=form)


@bp.route("/sessions/<int:session_id>/host")
@permissions.authenticated
def host(session_id: int) -> Any:
    live_session = _hosted(session_id)
    return render_template(
        "live/host.html",
        live_session=live_session,
        state=pages.host_state(live_session),
        subscribe_url=pages.subscribe_url(live_session),
        counts_url=pages.counts_url(live_session),
        screen_url=url_for("live.screen", screen_token=live_session.screen_token),
        join_url=url_for("live.join", _external=True),
    )


@bp.route("/sessions/<int:session_id>/host/state.json")
@permissions.authenticated
def host_state(session_id: int) -> Any:
    """The host console's poll: the state with the right answer (one host: no ETag needed)."""
    return pages.host_state(_hosted(session_id))


HOST_ACTIONS = "<any(next, close, pause, resume, extend, skip, end):action>"


@bp.route(f"/sessions/<int:session_id>/host/{HOST_ACTIONS}", methods=["POST"])
@permissions.authenticated
def act(session_id: int, action: str) -> Any:
    """The host's buttons (JSON, CSRF header): one step of the session, then its new state."""
    live_session = _hosted(session_id)
    refused = _commit_or_refuse(lambda: pages.ACTIONS[action](live_session))
    return refused or pages.host_state(live_session)


@bp.route("/sessions/<int:session_id>/results")
@permissions.authenticated
def results(session_id: int) -> Any:
    live_session = pages.get_session(session_id)
    if not can_see_results(current_user, live_session):
        abort(403)
    return render_template(
        "live/results.html",
        live_session=live_session,
        report=pages.report(live_session),
    )


# Joining and playing -----------------------------------------------------------------------


def _refused(response: Response) -> bool:
    """A join form shown again (a wrong PIN, say) counts against the PIN-guessing limits."""
    return response.status_code == 200


@bp.route("/join", methods=["GET", "POST"])
@permissions.public
@limit_pin_guessing(refused=_refused, methods=["POST"])
def join() -> Any:
    """The PIN form (the QR code on the big screen links here with the PIN filled in)."""
    form = JoinForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET" and request.args.get("pin"):
        form.pin.data = request.args["pin"][:20]
    if request.method == "POST" and form.validate():
        try:
            player, guest_key = pages.join(form, current_user)
        except DomainError as error:
            db.session.rollback()
            if error.code == "guests_off":
                flash(error.message, "error")
                back = url_for("live.join", pin=form.pin.data)
                return redirect(url_for("accounts.login", next=back))
            show_error(form, error if error.field else _pin_error(error))
        else:
            db.session.commit()
            response = redirect(url_for("live.play", session_id=player.session_id))
            if guest_key:
                pages.set_guest_cookie(response, player.session_id, guest_key)
            return response
    return render_template(
        "live/join.html", form=form, ask_nickname=not current_user.is_authenticated
    )


@bp.route("/<int:session_id>/play")
@permissions.public
def play(session_id: int) -> Any:
    live_session = pages.get_session(session_id)
    if live_session.format == Format.STAGE:  # a team's phone in an on-site competition
        return redirect(url_for("live_stage.team", session_id=live_session.id))
    player = pages.player_of_request(live_session)
    if player is None:
        flash(_("Join with the session's PIN first."), "info")
        return redirect(url_for("live.join"))
    return render_template(
        "live/play.html",
        live_session=live_session,
        player=player,
        state=pages.player_state(live_session, player),
        state_url=pages.state_url(live_session),
        subscribe_url=pages.player_subscribe_url(live_session, player),
    )


# The big screen (public: its link is the secret) -------------------------------------------


@bp.route("/screen/<screen_token>")
@permissions.public
def screen(screen_token: str) -> Any:
    live_session = pages.screened(screen_token)
    join_pin_url = url_for("live.join", pin=live_session.pin, _external=True)
    return render_template(
        "live/screen.html",
        live_session=live_session,
        state=pages.screen_state(live_session),
        state_url=pages.state_url(live_session, screen=True),
        subscribe_url=pages.subscribe_url(live_session, screen=True),
        counts_url=pages.counts_url(live_session, screen=True),
        join_url=url_for("live.join", _external=True),
        join_pin_url=join_pin_url,
        qr_svg=pages.qr_svg(join_pin_url),
    )


# Helpers -----------------------------------------------------------------------------------


def _may_create() -> None:
    if not can_create_sessions(current_user):
        abort(403)


def _hosted(session_id: int) -> LiveSession:
    live_session = pages.get_session(session_id)
    if not can_host(current_user, live_session):
        abort(403)
    return live_session


def _commit_or_refuse(action: Callable[[], Any]) -> Any:
    """Run a JSON action as one transaction; its refusal as ``{"error": ...}`` with a 4xx."""
    try:
        action()
    except DomainError as error:
        db.session.rollback()
        return json_error(error.status, error.code, error.message)
    db.session.commit()
    return None


def _pin_error(error: DomainError) -> DomainError:
    """A refusal that names no field (an unknown PIN, a unit's session) shows by the PIN."""
    error.field = "pin"
    return error

"""Calendar pages: the member's secret feed address and its reset, the feed, and one-event files.

The feed is fetched by calendar apps without a session: its address is the only key, and any
unknown or reset address answers 404. "Add to calendar" files need the same login and the
same visibility as the page of their event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from competitions.permissions import can_see_competition
from competitions.services.authoring import get_competition
from courses.services import activities
from lms.accounts import permissions
from lms.accounts.calendar_feed import feed_token, reset_feed, user_for_feed_token
from lms.accounts.forms import ConfirmForm
from lms.calendar.events import Event, activity_event, competition_event, events_for, quiz_events
from lms.calendar.ics import MEDIA_TYPE, calendar_bytes
from lms.core.clock import utcnow
from lms.core.errors import NotFoundError
from lms.core.extensions import db
from quizzes.services.attempts import quiz_for

bp = Blueprint("calendar", __name__)


def _ics(events: Sequence[Event], *, name: str, filename: str | None = None) -> Response:
    body = calendar_bytes(
        events,
        name=name,
        base_url=request.host_url,
        zone=current_app.config["TIMEZONE"],
        now=utcnow(),
    )
    response = Response(body, mimetype=MEDIA_TYPE)
    response.headers["Cache-Control"] = "private, no-store"
    if filename is not None:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def feed_url(token: str) -> str:
    return url_for("calendar.feed", token=token, _external=True)


@bp.route("/calendar")
@permissions.authenticated
def page() -> Any:
    url = feed_url(feed_token(current_user))
    now = utcnow()
    return render_template(
        "calendar/page.html",
        feed_url=url,
        webcal_url="webcal://" + url.split("://", 1)[1],
        upcoming=[e for e in events_for(current_user) if (e.ends_at or e.starts_at) >= now],
        form=ConfirmForm(),
    )


@bp.route("/calendar/reset", methods=["POST"])
@permissions.authenticated
def reset() -> Any:
    if ConfirmForm().validate_on_submit():
        reset_feed(current_user)
        db.session.commit()
        flash(
            _("Your calendar has a new address. Subscribe again with it: the old one is closed."),
            "success",
        )
    return redirect(url_for("calendar.page"))


@bp.route("/calendar/feed/<token>.ics")
@permissions.public
def feed(token: str) -> Any:
    user = user_for_feed_token(token)
    if user is None:
        abort(404)
    with force_locale(user.language or current_app.config["DEFAULT_LANGUAGE"]):
        name = _("%(name)s's study calendar", name=user.display_name)
        return _ics(events_for(user), name=name)


@bp.route("/activities/<int:item_id>/calendar.ics")
@permissions.authenticated
def activity(item_id: int) -> Any:
    view = activities.view_for(current_user, item_id)
    event = activity_event(view.item, view.activity)
    return _ics([event], name=view.item.title, filename=f"activity-{item_id}.ics")


@bp.route("/quizzes/<int:quiz_id>/calendar.ics")
@permissions.authenticated
def quiz(quiz_id: int) -> Any:
    found = quiz_for(current_user, quiz_id)
    events = quiz_events(found)
    if not events:
        raise NotFoundError(_("This quiz has no opening or closing time."))
    return _ics(events, name=found.title, filename=f"quiz-{quiz_id}.ics")


@bp.route("/competitions/<int:competition_id>/calendar.ics")
@permissions.authenticated
def competition(competition_id: int) -> Any:
    found = get_competition(competition_id)
    if not can_see_competition(current_user, found):
        abort(404)
    event = competition_event(found)
    return _ics([event], name=found.title, filename=f"competition-{competition_id}.ics")

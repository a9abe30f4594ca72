"""Study points pages: my points, points leaderboards, admins' manual adjustments and caps.

The blueprint also awards the daily login points (a hook on every request of the app).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from lms.accounts import permissions
from lms.accounts.api import bearer_secret
from lms.accounts.models import User
from lms.core.api import page_args
from lms.core.extensions import db
from lms.core.forms import submit
from lms.core.sqlite import write_intent
from lms.points import queries, services
from lms.points.forms import AdjustmentForm, MemberSearchForm, RuleForm
from lms.points.rules import RULES, effective

bp = Blueprint("points", __name__)
LOGIN_DAY_KEY = "points_login_day"
# Requests no person makes: nginx asking whether a page may listen to a push channel (its
# answer's cookie never reaches the browser, so the day would be checked on every subscription),
# probes and scrapes.
NOT_A_VISIT = frozenset(
    {None, "static", "push.authorise", "home.health", "monitoring.ready", "monitoring.prometheus"}
)
ADJUSTABLE_RULES = tuple(key for key in RULES if key != "manual")


@bp.before_app_request
def _award_daily_login() -> None:
    """The first request of a local day earns the login points; the session remembers the
    day, so later requests cost no query. The award runs in its own short write transaction:
    a GET's transaction is read-only on SQLite."""
    if request.endpoint in NOT_A_VISIT or bearer_secret() is not None:
        return
    session_user = session.get("_user_id")
    if not session_user:
        return
    stamp = f"{session_user}@{services.day_number(services.today())}"
    if session.get(LOGIN_DAY_KEY) == stamp or not current_user.is_authenticated:
        return
    user = current_user._get_current_object()
    db.session.commit()  # ends the request's read-only transaction; nothing is pending yet
    try:
        with write_intent():
            services.award_daily_login(user)
            db.session.commit()
    except SQLAlchemyError:  # a busy database: try again on the next request
        db.session.rollback()
        return
    session[LOGIN_DAY_KEY] = stamp


def _rules() -> list[Any]:
    return [effective(rule) for rule in RULES.values() if rule.key != "manual"]


@bp.route("/points")
@permissions.authenticated
def index() -> Any:
    page, per_page = page_args(default_per_page=20)
    return render_template(
        "points/index.html",
        summary=queries.summary(current_user),
        entries=queries.history(current_user, page, per_page),
        rules=_rules(),
        labels={key: rule.label for key, rule in RULES.items()},
    )


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    value = request.args.get(name, allowed[0])
    return value if value in allowed else allowed[0]


@bp.route("/points/leaderboard")
@permissions.authenticated
def leaderboard() -> Any:
    period, scope = _choice("period", queries.PERIODS), _choice("scope", queries.SCOPES)
    return render_template(
        "points/leaderboard.html",
        board=queries.leaderboard(period, scope, current_user),
        periods=queries.PERIODS,
        scopes=queries.SCOPES,
    )


def _admin_page(
    rule_forms: dict[str, RuleForm] | None = None, adjustment: AdjustmentForm | None = None
) -> Any:
    forms = rule_forms or {}
    for rule in _rules():
        if rule.key not in forms:
            forms[rule.key] = RuleForm(
                formdata=None, prefix=rule.key, points=rule.points, daily_cap=rule.daily_cap
            )
    search = MemberSearchForm(request.args)
    chosen_id = request.args.get("user_id", type=int)
    if adjustment is not None:
        chosen_id = adjustment.user_id.data
    chosen = db.session.get(User, chosen_id) if chosen_id else None
    if adjustment is None:
        adjustment = AdjustmentForm(formdata=None, user_id=chosen.id if chosen else None)
    return render_template(
        "points/admin.html",
        rules=[(rule, RULES[rule.key], forms[rule.key]) for rule in _rules()],
        search=search,
        found=queries.find_members(search.q.data or "") if search.validate() else [],
        chosen=chosen,
        adjustment=adjustment,
        adjustments=queries.recent_adjustments(),
    )


@bp.route("/admin/points")
@permissions.admin
def admin() -> Any:
    return _admin_page()


@bp.route("/admin/points/rules", methods=["POST"])
@permissions.admin
def save_rule() -> Any:
    key = request.form.get("rule", "")
    if key not in ADJUSTABLE_RULES:
        abort(400)
    form = RuleForm(prefix=key)
    if (
        form.validate_on_submit()
        and submit(
            form, lambda: services.set_rule_values(key, form.points.data, form.daily_cap.data)
        ).ok
    ):
        flash(_("Rule “%(rule)s” saved.", rule=RULES[key].label), "success")
        return redirect(url_for("points.admin"))
    return _admin_page(rule_forms={key: form})


@bp.route("/admin/points/adjustments", methods=["POST"])
@permissions.admin
def adjust() -> Any:
    form = AdjustmentForm()
    if form.validate_on_submit():
        member = db.session.get(User, form.user_id.data)
        if member is None:
            abort(404)
        outcome = submit(
            form,
            lambda: services.adjust(member, form.points.data, form.reason.data, by=current_user),
        )
        if outcome.ok:
            flash(
                _(
                    "%(points)+d points recorded for %(name)s.",
                    points=form.points.data,
                    name=member.display_name,
                ),
                "success",
            )
            return redirect(url_for("points.admin"))
    return _admin_page(adjustment=form)

"""The home page. Later issues add next lessons, quizzes, competitions and points here."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.services import org_units

bp = Blueprint("home", __name__)


@bp.route("/")
@permissions.public
def index() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    unit = current_user.unit
    return render_template(
        "home/index.html",
        unit=unit,
        leader=unit.leader,
        unit_members=org_units.member_count(unit),
    )


@bp.route("/healthz")
@permissions.public
def health() -> Any:
    return {"status": "ok"}

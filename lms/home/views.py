"""The home page: where the member left off, lessons that fit their spare minutes, points."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from courses.services import study
from lms.accounts import permissions
from lms.accounts.services import org_units
from lms.points.services import total as total_points

bp = Blueprint("home", __name__)


@bp.route("/")
@permissions.public
def index() -> Any:
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    minutes = request.args.get("minutes", type=int)
    if minutes not in study.TIME_BUDGETS:
        minutes = None
    courses = study.my_courses(current_user)
    unit = current_user.unit
    return render_template(
        "home/index.html",
        unit=unit,
        leader=unit.leader,
        unit_members=org_units.member_count(unit),
        courses=courses,
        resume=study.continue_where_left_off(courses),
        suggestions=study.next_lessons(courses, minutes),
        minutes=minutes,
        budgets=study.TIME_BUDGETS,
        points=total_points(current_user),
    )


@bp.route("/healthz")
@permissions.public
def health() -> Any:
    return {"status": "ok"}

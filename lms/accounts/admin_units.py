"""Admin pages for the organisation tree and for site-wide account settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm, RegistrationSettingsForm, UnitForm, as_choices
from lms.accounts.models import OrgUnit, User
from lms.accounts.services import auth, org_units, users
from lms.core.errors import ValidationError
from lms.core.forms import submit

bp = Blueprint("units_admin", __name__, url_prefix="/admin/units")
NO_PARENT = 0


@bp.route("/")
@permissions.admin
def index() -> Any:
    return render_template(
        "accounts/admin/units.html",
        units=org_units.all_units(),
        counts=org_units.member_counts(),
        action_form=ConfirmForm(),
    )


def _prepare(form: UnitForm, unit: OrgUnit | None) -> None:
    choices = [(NO_PARENT, _("— none: a top-level organisation —"))]
    for candidate in org_units.all_units():
        if unit is not None and (
            candidate.id == unit.id or candidate.path.startswith(unit.path + "/")
        ):
            continue
        choices.append((candidate.id, candidate.path))
    form.parent_id.choices = as_choices(choices)


def _leader(form: UnitForm) -> User | None:
    if not form.leader_username.data:
        return None
    leader = users.user_by_username(form.leader_username.data)
    if leader is None:
        raise ValidationError(
            _("There is no user “%(name)s”.", name=form.leader_username.data),
            field="leader_username",
        )
    return leader


def _parent(form: UnitForm) -> OrgUnit | None:
    return org_units.get_unit(form.parent_id.data) if form.parent_id.data else None


@bp.route("/new", methods=["GET", "POST"])
@permissions.admin
def create() -> Any:
    form = UnitForm(parent_id=request.args.get("parent", NO_PARENT, type=int))
    _prepare(form, None)
    if form.validate_on_submit():
        outcome = submit(
            form, lambda: org_units.create_unit(form.name.data or "", _parent(form), _leader(form))
        )
        if outcome.ok:
            flash(_("Unit %(path)s was created.", path=outcome.value.path), "success")
            return redirect(url_for("units_admin.index"))
    return render_template("accounts/admin/unit_form.html", form=form, unit=None)


@bp.route("/<int:unit_id>/edit", methods=["GET", "POST"])
@permissions.admin
def edit(unit_id: int) -> Any:
    unit = org_units.get_unit(unit_id)
    form = UnitForm(obj=unit)
    _prepare(form, unit)
    if request.method == "GET":
        form.parent_id.data = unit.parent_id or NO_PARENT
        form.leader_username.data = unit.leader.username if unit.leader else ""
    if (
        form.validate_on_submit()
        and submit(
            form,
            lambda: org_units.update_unit(
                unit, name=form.name.data or "", parent=_parent(form), leader=_leader(form)
            ),
        ).ok
    ):
        flash(_("Unit %(path)s was saved.", path=unit.path), "success")
        return redirect(url_for("units_admin.index"))
    return render_template(
        "accounts/admin/unit_form.html", form=form, unit=unit, action_form=ConfirmForm()
    )


@bp.route("/<int:unit_id>/delete", methods=["POST"])
@permissions.admin
def delete(unit_id: int) -> Any:
    unit = org_units.get_unit(unit_id)
    form = ConfirmForm()
    path = unit.path
    if form.validate_on_submit() and submit(form, lambda: org_units.delete_unit(unit)).ok:
        flash(_("Unit %(path)s was deleted.", path=path), "success")
    return redirect(url_for("units_admin.index"))


settings_bp = Blueprint("site_admin", __name__, url_prefix="/admin/settings")


@settings_bp.route("/", methods=["GET", "POST"])
@permissions.admin
def settings() -> Any:
    form = RegistrationSettingsForm()
    form.unit_id.choices = as_choices(
        [(NO_PARENT, _("— choose —"))] + [(unit.id, unit.path) for unit in org_units.all_units()]
    )
    if request.method == "GET":
        form.enabled.data = auth.self_registration_enabled()
        current = auth.registration_unit()
        form.unit_id.data = current.id if current else NO_PARENT
    if form.validate_on_submit():
        unit = org_units.get_unit(form.unit_id.data) if form.unit_id.data else None
        if submit(
            form, lambda: auth.configure_registration(enabled=bool(form.enabled.data), unit=unit)
        ).ok:
            flash(_("Settings saved."), "success")
            return redirect(url_for("site_admin.settings"))
    return render_template("accounts/admin/settings.html", form=form)

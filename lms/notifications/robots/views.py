"""Admin pages: every unit's robots and the allowed hosts; a unit's robots (add, test, remove)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.accounts import permissions
from lms.accounts.forms import ConfirmForm
from lms.accounts.services import org_units
from lms.core.forms import submit
from lms.notifications.robots import services
from lms.notifications.robots.channel import recent_posts
from lms.notifications.robots.forms import KIND_LABELS, STATE_LABELS, AllowedHostsForm, RobotForm
from lms.notifications.robots.providers import EXAMPLES, Provider

bp = Blueprint("robots_admin", __name__, url_prefix="/admin")


@bp.route("/robots/", methods=["GET", "POST"])
@permissions.admin
def index() -> Any:
    form = AllowedHostsForm()
    if request.method == "GET":
        form.hosts.data = "\n".join(services.allowed_hosts())
    if (
        form.validate_on_submit()
        and submit(form, lambda: services.set_allowed_hosts(form.hosts.data or "")).ok
    ):
        flash(_("The allowed hosts were saved."), "success")
        return redirect(url_for("robots_admin.index"))
    return render_template(
        "notifications/robots/index.html",
        form=form,
        webhooks=services.all_webhooks(),
        units=org_units.all_units(),
    )


@bp.route("/units/<int:unit_id>/robots", methods=["GET", "POST"])
@permissions.admin
def unit(unit_id: int) -> Any:
    unit = org_units.get_unit(unit_id)
    form = RobotForm()
    if form.validate_on_submit():
        kinds = [kind for kind in services.ROBOT_KINDS if getattr(form, kind).data]
        outcome = submit(
            form,
            lambda: services.add_webhook(
                unit,
                provider=Provider(form.provider.data),
                name=form.name.data or "",
                url=form.url.data or "",
                secret=form.secret.data,
                kinds=kinds,
                by=current_user,
            ),
        )
        if outcome.ok:
            flash(_("The robot was added. Send it a test message."), "success")
            return redirect(url_for("robots_admin.unit", unit_id=unit.id))
    webhooks = services.webhooks_of(unit)
    return render_template(
        "notifications/robots/unit.html",
        unit=unit,
        form=form,
        webhooks=webhooks,
        posts=recent_posts(webhooks),
        names={str(webhook.id): webhook.name for webhook in webhooks},
        state_labels=STATE_LABELS,
        action_form=ConfirmForm(),
        kind_labels=KIND_LABELS,
        examples={provider.label: example for provider, example in EXAMPLES.items()},
    )


@bp.route("/units/<int:unit_id>/robots/<int:webhook_id>/test", methods=["POST"])
@permissions.admin
def test(unit_id: int, webhook_id: int) -> Any:
    webhook = services.get_webhook(org_units.get_unit(unit_id), webhook_id)
    form = ConfirmForm()
    home_url = url_for("home.index", _external=True)
    if form.validate_on_submit():
        outcome = submit(form, lambda: services.send_test(webhook, home_url=home_url))
        if outcome.ok and outcome.value:
            flash(_("The test message was not posted: %(reason)s", reason=outcome.value), "error")
        elif outcome.ok:
            flash(_("The test message was posted to “%(name)s”.", name=webhook.name), "success")
    return redirect(url_for("robots_admin.unit", unit_id=unit_id))


@bp.route("/units/<int:unit_id>/robots/<int:webhook_id>/delete", methods=["POST"])
@permissions.admin
def delete(unit_id: int, webhook_id: int) -> Any:
    webhook = services.get_webhook(org_units.get_unit(unit_id), webhook_id)
    form = ConfirmForm()
    name = webhook.name
    if form.validate_on_submit() and submit(form, lambda: services.remove_webhook(webhook)).ok:
        flash(_("The robot “%(name)s” was removed.", name=name), "success")
    return redirect(url_for("robots_admin.unit", unit_id=unit_id))

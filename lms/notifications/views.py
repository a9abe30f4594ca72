"""The notification centre: the list, marking read, a member's settings, the admins' page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms.accounts import permissions
from lms.core.api import page_args
from lms.core.extensions import db
from lms.core.forms import submit
from lms.notifications import queries, services
from lms.notifications.channels import member_channels
from lms.notifications.email import send_test_message
from lms.notifications.forms import PreferencesForm, TestMessageForm
from lms.notifications.kinds import KIND_LABELS, Kind
from lms.notifications.models import Delivery, DeliveryState
from lms.notifications.sender import outbox_counts

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@permissions.authenticated
def index() -> Any:
    page, per_page = page_args(default_per_page=20)
    return render_template(
        "notifications/index.html",
        notifications=queries.page_of(current_user, page, per_page),
        unread=queries.unread_count(current_user),
        labels=KIND_LABELS,
    )


def _local(url: str | None) -> str:
    """The notification's link if it stays on this site, else the list."""
    parts = urlsplit(url or "")
    if (
        url
        and not parts.scheme
        and not parts.netloc
        and url[:1] == "/"
        and url[1:2] not in ("/", "\\")
    ):
        return url
    return url_for("notifications.index")


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"])
@permissions.authenticated
def open_one(notification_id: int) -> Any:
    notification = services.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(_local(notification.url))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@permissions.authenticated
def read(notification_id: int) -> Any:
    services.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(url_for("notifications.index", page=request.args.get("page", type=int)))


@bp.route("/notifications/read-all", methods=["POST"])
@permissions.authenticated
def read_all() -> Any:
    count = services.mark_all_read(current_user)
    db.session.commit()
    flash(_("%(count)d notifications marked read.", count=count), "success")
    return redirect(url_for("notifications.index"))


def _settings_page(form: PreferencesForm, choices: dict[tuple[str, str], bool]) -> Any:
    return render_template(
        "notifications/settings.html",
        form=form,
        kinds=[(kind, KIND_LABELS[kind]) for kind in Kind],
        channels=member_channels(),
        choices=choices,
    )


@bp.route("/notifications/settings", methods=["GET", "POST"])
@permissions.authenticated
def settings() -> Any:
    form = PreferencesForm(
        email=services.email_of(current_user) if request.method == "GET" else None
    )
    if not form.validate_on_submit():
        return _settings_page(form, services.channel_choices(current_user))
    chosen = {
        tuple(value.split(":", 1)) for value in request.form.getlist("choice") if ":" in value
    }

    def save() -> None:
        services.set_email(current_user, form.email.data)
        services.set_channel_choices(current_user, chosen)  # type: ignore[arg-type]

    if submit(form, save).ok:
        flash(_("Notification settings saved."), "success")
        return redirect(url_for("notifications.settings"))
    return _settings_page(form, {pair: True for pair in chosen})  # type: ignore[misc]


def _admin_page(form: TestMessageForm) -> Any:
    failed = db.session.scalars(
        select(Delivery)
        .where(Delivery.state == DeliveryState.FAILED)
        .order_by(Delivery.id.desc())
        .limit(20)
    ).all()
    config = current_app.config
    return render_template(
        "notifications/admin.html",
        form=form,
        counts=outbox_counts(),
        failed=failed,
        smtp={
            "host": config["SMTP_HOST"],
            "port": config["SMTP_PORT"],
            "security": config["SMTP_SECURITY"],
            "username": config["SMTP_USERNAME"],
            "sender": config["SMTP_SENDER"],
        },
        queue="rq" if config["REDIS_URL"] else "cron",
    )


@bp.route("/admin/notifications", methods=["GET", "POST"])
@permissions.admin
def admin() -> Any:
    form = TestMessageForm()
    if form.validate_on_submit() and submit(form, lambda: send_test_message(form.address.data)).ok:
        flash(_("The test message was sent to %(address)s.", address=form.address.data), "success")
        return redirect(url_for("notifications.admin"))
    return _admin_page(form)

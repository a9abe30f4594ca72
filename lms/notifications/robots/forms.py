"""The robot pages' forms: their shape only (addresses and hosts are checked by the services)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from lms.accounts.forms import as_choices
from lms.notifications.robots.providers import LABELS, Provider
from lms.notifications.robots.services import SECRET_MAX, URL_MAX

PROVIDER_CHOICES = as_choices([(provider.value, LABELS[provider]) for provider in Provider])


class RobotForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    provider = SelectField(_l("Platform"), choices=PROVIDER_CHOICES)
    url = StringField(_l("Webhook address"), validators=[DataRequired(), Length(max=URL_MAX)])
    secret = StringField(
        _l("Signing secret (DingTalk, Feishu)"), validators=[Optional(), Length(max=SECRET_MAX)]
    )
    announcement = BooleanField(_l("Post announcements"), default=True)
    competition_opening = BooleanField(_l("Post competitions as they open"), default=True)
    results_published = BooleanField(_l("Post published results"), default=True)
    submit = SubmitField(_l("Add robot"))


class AllowedHostsForm(FlaskForm):
    hosts = TextAreaField(_l("Allowed hosts"), validators=[Length(max=5000)])
    submit = SubmitField(_l("Save hosts"))


KIND_LABELS = {
    "announcement": _l("Announcements"),
    "competition_opening": _l("Competitions opening"),
    "results_published": _l("Results published"),
}
STATE_LABELS = {
    "pending": _l("Waiting"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
}

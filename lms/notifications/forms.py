"""Forms of the notification pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class PreferencesForm(FlaskForm):
    """The email address; the kind x channel checkboxes are read from ``choice`` values."""

    email = EmailField(
        _l("Email address for notifications"), validators=[Optional(), Length(max=254)]
    )
    submit = SubmitField(_l("Save settings"))


class TestMessageForm(FlaskForm):
    address = StringField(_l("Send a test email to"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send a test message"))

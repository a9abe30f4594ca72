"""Forms check the shape of input; rules such as uniqueness live in the services."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lms.accounts.models import Role

ROLE_LABELS = {
    Role.MEMBER.value: _l("Member"),
    Role.ORGANIZER.value: _l("Organizer"),
    Role.ADMIN.value: _l("Administrator"),
}
LANGUAGES = (("zh_Hans", "简体中文"), ("en", "English"))


def as_choices(pairs: Any) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs.

    A lazy label stays lazy, so a choice list built once at import time still shows each
    request's language.
    """
    return [SelectChoice(value, label) for value, label in pairs]


LANGUAGE_CHOICES = as_choices([("", _l("Browser default")), *LANGUAGES])


def role_choices() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in ROLE_LABELS.items()]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    remember = BooleanField(_l("Remember me"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class NewPasswordMixin:
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    submit = SubmitField(_l("Change password"))


class ResetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Set password"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=100)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    submit = SubmitField(_l("Save"))


class LanguageForm(FlaskForm):
    language = SelectField(choices=as_choices(LANGUAGES), validators=[DataRequired()])
    next = HiddenField()


class RegisterForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=128)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create account"))


class UserForm(FlaskForm):
    """Admin form for a user; ``password`` is required only when creating."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=64)])
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[])
    unit_id = SelectField(_l("Unit"), coerce=int, choices=[])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES, validators=[Optional()])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=128)])
    submit = SubmitField(_l("Save"))


class UnitForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    parent_id = SelectField(_l("Parent unit"), coerce=int, choices=[])
    leader_username = StringField(
        _l("Leader (username, optional)"), validators=[Optional(), Length(max=64)]
    )
    submit = SubmitField(_l("Save"))


class ImportUsersForm(FlaskForm):
    file = FileField(
        _l("CSV or Excel file"),
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(["csv", "xlsx"], message=_l("Only .csv and .xlsx files can be imported.")),
        ],
    )
    submit = SubmitField(_l("Import"))


class PasswordHandoutForm(FlaskForm):
    """Downloads the generated passwords of the last import, once."""

    key = HiddenField(validators=[DataRequired()])
    xlsx = SubmitField(_l("Download passwords (Excel)"))
    csv = SubmitField(_l("Download passwords (CSV)"))


class RegistrationSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Anyone may create a member account"))
    unit_id = SelectField(_l("Unit for new accounts"), coerce=int, choices=[])
    submit = SubmitField(_l("Save"))


class ConfirmForm(FlaskForm):
    """An empty form that carries the CSRF token of a one-button action."""

    submit = SubmitField()

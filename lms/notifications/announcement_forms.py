"""The announcement form. It checks the shape of input; the rules live in ``announcements``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.notifications.announcements import MAX_BODY, MAX_TITLE, AnnouncementDraft


class AnnouncementForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=MAX_TITLE)])
    body_md = TextAreaField(_l("Text (Markdown)"), validators=[Length(max=MAX_BODY)])
    unit_ids = SelectMultipleField(_l("Units (and every unit below them)"), coerce=int)
    is_pinned = BooleanField(_l("Pin to the top"))
    requires_ack = BooleanField(_l("Readers must acknowledge it"))
    submit = SubmitField(_l("Publish"))

    def draft(self) -> AnnouncementDraft:
        return AnnouncementDraft(
            title=self.title.data or "",
            body_md=self.body_md.data or "",
            unit_ids=list(self.unit_ids.data or []),
            is_pinned=bool(self.is_pinned.data),
            requires_ack=bool(self.requires_ack.data),
        )

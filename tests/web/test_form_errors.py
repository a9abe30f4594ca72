"""Every refused form says why: each error beside its field and all of them in a summary."""

from __future__ import annotations

from pathlib import Path

from flask import render_template_string
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PAGE = """{% from "_macros/forms.html" import field, form_errors %}
{{ form_errors(form) }}{{ field(form.shown) }}"""


class _Form(FlaskForm):
    shown = StringField("Shown field")
    unseen = IntegerField("Field the page leaves out")


def test_the_summary_lists_errors_of_fields_the_page_does_not_show(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        form = _Form(meta={"csrf": False})
        form.shown.errors = ["Too short."]
        form.unseen.errors = ["Not a number."]
        form.form_errors.append("Something about the whole form.")
        html = render_template_string(PAGE, form=form)
    assert 'data-testid="error-summary"' in html
    assert 'role="alert"' in html
    assert '<a href="#shown">Shown field</a>: Too short.' in html
    assert '<a href="#unseen">Field the page leaves out</a>: Not a number.' in html
    assert "Something about the whole form." in html
    assert 'id="shown-errors"' in html  # and beside the field itself


def test_a_valid_form_has_no_summary(app):
    with app.test_request_context():
        html = render_template_string(PAGE, form=_Form(meta={"csrf": False}))
    assert "error-summary" not in html


def test_every_template_with_form_fields_shows_the_summary():
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "{{ field(" in path.read_text() and "form_errors(" not in path.read_text()
    ]
    assert missing == []


def test_the_summary_speaks_chinese_and_escapes_messages(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        form = _Form(meta={"csrf": False})
        form.shown.errors = ["<b>不对</b>"]
        html = render_template_string(PAGE, form=form)
    assert "表单未保存" in html
    assert '<a href="#shown">Shown field</a>：&lt;b&gt;不对&lt;/b&gt;' in html


def test_a_refused_switch_is_marked_invalid_too(app):
    class Terms(FlaskForm):
        agree = BooleanField("I agree")

    with app.test_request_context():
        form = Terms(meta={"csrf": False})
        form.agree.errors = ["Agree first."]
        html = render_template_string(PAGE.replace("form.shown", "form.agree"), form=form)
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="agree-errors"' in html

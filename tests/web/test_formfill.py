"""The form-filling helper refuses what a person could not do on the page."""

from __future__ import annotations

import pytest

from tests.formfill import parse_forms, submit_form

PAGE = """<form method="post"><input type="hidden" name="csrf_token" value="t">
<textarea name="body">
kept</textarea><select name="kind"><option value="a">A</option>
<option value="b" selected>B</option></select>
<input type="checkbox" name="flag" value="y" checked><input type="checkbox" name="off">
<input type="text" name="gone" disabled><input type="submit" name="submit" value="Save"></form>"""


def test_values_are_what_a_browser_sends():
    (form,) = parse_forms(PAGE)
    sent = form.values()
    assert sent.to_dict(flat=False) == {
        "csrf_token": ["t"],
        "body": ["kept"],
        "kind": ["b"],
        "flag": ["y"],
    }


def test_fields_and_options_the_page_lacks_fail_loudly(client, db, organizer, login_as):
    login_as(organizer)
    url = "/bank/questions/new?type=single_choice"
    with pytest.raises(AssertionError, match="no field 'truth'"):
        submit_form(client, url, {"truth": "true"})
    with pytest.raises(AssertionError, match="offers"):
        submit_form(client, "/bank/questions/new?type=true_false", {"truth": "maybe"})

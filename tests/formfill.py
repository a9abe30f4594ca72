"""Submitting a page's form as a browser would, for request tests.

``submit_form(client, url, {"stem": "…"})`` GETs ``url``, parses its ``<form>``, starts from the
values the page would send (hidden inputs with the CSRF token, selected options, checked boxes,
textareas, the submit button), applies the test's changes only to controls the page shows, and
posts the result. A change naming a control the page lacks, or an option a select does not offer,
fails the test: a test can no longer post a field the page never renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

NOT_SENT = {"submit", "button", "reset", "image", "file"}


@dataclass
class Control:
    tag: str
    name: str
    type: str = "text"
    value: str = ""
    checked: bool = False
    options: list[tuple[str, str, bool]] = field(default_factory=list)  # value, text, selected
    multiple: bool = False


@dataclass
class Form:
    attrs: dict[str, str]
    controls: list[Control] = field(default_factory=list)

    @property
    def method(self) -> str:
        return self.attrs.get("method", "get").lower()

    def named(self, name: str) -> list[Control]:
        return [c for c in self.controls if c.name == name]

    def names(self) -> list[str]:
        return list(dict.fromkeys(c.name for c in self.controls if c.name))

    def values(self) -> MultiDict[str, Any]:
        """What the browser would send if the form were submitted as it stands (no button)."""
        sent: MultiDict[str, Any] = MultiDict()
        for control in self.controls:
            if control.tag == "select":
                chosen = [v for v, _, selected in control.options if selected]
                if not chosen and control.options and not control.multiple:
                    chosen = [control.options[0][0]]
                for value in chosen:
                    sent.add(control.name, value)
            elif control.type in ("checkbox", "radio"):
                if control.checked:
                    sent.add(control.name, control.value or "on")
            elif control.type not in NOT_SENT:
                sent.add(control.name, control.value)
        return sent


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: list[Any] | None = None  # [value or None, text parts, selected]
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
            return
        if self._form is None or "disabled" in a:
            return
        kind = a.get("type", "submit" if tag == "button" else "text").lower()
        if tag in ("input", "button") and kind == "submit" and not a.get("name"):
            self._form.controls.append(Control(tag, "", kind))  # clicked, but sends nothing
        elif tag == "input" and a.get("name"):
            self._form.controls.append(
                Control(
                    "input",
                    a["name"],
                    type=kind,
                    value=a.get("value", ""),
                    checked="checked" in a,
                )
            )
        elif tag == "button" and a.get("name"):
            self._form.controls.append(Control("button", a["name"], kind, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = Control("select", a["name"], "select", multiple="multiple" in a)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), [], "selected" in a]
        elif tag == "textarea" and a.get("name"):
            self._textarea = Control("textarea", a["name"], "textarea")
            self._form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1].append(data)
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" or (tag == "select" and self._option is not None):
            self._close_option()
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea.value  # a browser drops the newline after <textarea>
            self._textarea.value = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self._textarea = None
        elif tag == "form":
            self._form = None

    def _close_option(self) -> None:
        if self._option is None or self._select is None:
            return
        value, parts, selected = self._option
        text = "".join(parts).strip()
        self._select.options.append((text if value is None else value, text, selected))
        self._option = None


def parse_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def _pick(forms: list[Form], url: str, which: str | None) -> Form:
    posting = [f for f in forms if f.method == "post"]
    if which is not None:
        found = [
            f
            for f in posting
            if which in (f.attrs.get("data-testid"), f.attrs.get("id"))
            or which in f.attrs.get("action", "")
        ]
    else:  # the forms that post back to the page itself
        path = url.split("?", maxsplit=1)[0]
        found = [f for f in posting if f.attrs.get("action", "") in ("", url, path)]
    if len(found) != 1:
        described = [f.attrs for f in posting]
        raise AssertionError(f"{len(found)} forms match {which!r} on {url}: {described}")
    return found[0]


def _apply(form: Form, sent: MultiDict[str, Any], name: str, value: Any) -> None:
    controls = form.named(name)
    if not controls:
        raise AssertionError(f"the page has no field {name!r}; it has {form.names()}")
    control = controls[0]
    if control.type == "file":  # (stream, filename), as the test client takes files; or a list
        sent.setlist(name, value if isinstance(value, list) else [value])
        return
    wanted = [str(v) for v in value] if isinstance(value, list | tuple) else [value]
    if control.tag == "select":
        offered = [v for v, _, _ in control.options]
        missing = [v for v in wanted if str(v) not in offered]
        if missing:
            raise AssertionError(f"{name!r} offers {offered}, not {missing}")
        sent.setlist(name, [str(v) for v in wanted])
    elif control.type in ("checkbox", "radio"):
        if value is True or value is False:
            sent.setlist(name, [control.value or "on"] if value else [])
            return
        offered = [c.value for c in controls]
        missing = [v for v in wanted if str(v) not in offered]
        if missing:
            raise AssertionError(f"{name!r} offers {offered}, not {missing}")
        sent.setlist(name, [str(v) for v in wanted])
    elif control.type in ("submit", "button", "reset", "image"):
        raise AssertionError(f"{name!r} is a button: pass it as button=")
    else:
        sent.setlist(name, [str(v) for v in wanted])


def read_form(
    client: FlaskClient, url: str, form: str | None = None, page: str | None = None, **get: Any
) -> Form:
    """The form on the page at ``url`` (``form`` names it by test id, id or action).

    ``page`` is the page's HTML when the test already has it (a page answered to a POST).
    """
    if page is None:
        response = client.get(url, **get)
        assert response.status_code == 200, (url, response.status_code)
        page = response.get_data(as_text=True)
    return _pick(parse_forms(page), url, form)


def submit_form(
    client: FlaskClient,
    url: str,
    changes: Mapping[str, Any] | None = None,
    *,
    form: str | None = None,
    button: str | None = None,
    page: str | None = None,
    post_to: str | None = None,
    headers: Mapping[str, str] | None = None,
    follow_redirects: bool = False,
) -> TestResponse:
    """Fill the form on ``url`` with ``changes`` and submit it as a person would.

    ``button`` names the submit button clicked, by name or value (default: the form's first);
    ``page`` is the HTML of ``url`` when the test already holds it; ``post_to`` sends the values
    somewhere else, as a page's script does with them (the live preview).
    """
    page_form = read_form(client, url, form, page, headers=dict(headers or {}))
    sent = page_form.values()
    for name, value in (changes or {}).items():
        _apply(page_form, sent, name, value)
    buttons = [c for c in page_form.controls if c.type == "submit" and c.tag in ("input", "button")]
    if button is not None:
        buttons = [c for c in buttons if button in (c.name, c.value)]
        if not buttons:
            raise AssertionError(f"no button {button!r} on {url}")
    if buttons and buttons[0].name and post_to is None:
        sent.add(buttons[0].name, buttons[0].value)
    target = post_to or urljoin(url, page_form.attrs.get("action", "") or url)
    files = any(c.type == "file" for c in page_form.controls)
    return client.post(
        target,
        data=sent,
        headers=dict(headers or {}),
        follow_redirects=follow_redirects,
        content_type="multipart/form-data" if files else None,
    )

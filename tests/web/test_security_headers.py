"""Security defaults every response carries."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/login", "/nothing-here", "/api/v1/openapi.json"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"]


def test_pages_have_no_inline_script_or_style(client, member, login_as):
    login_as(member)
    for path in ("/", "/profile", "/password"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page
        assert "style=" not in page
        assert " onclick=" not in page

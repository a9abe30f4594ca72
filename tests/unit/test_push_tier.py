"""The push tier's test helper: without nginx + Nchan its tests skip, except in CI, which fails."""

from __future__ import annotations

import pytest

from tests import push_tier


def test_missing_nginx_skips_outside_ci_and_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push_tier, "nginx_binary", lambda: None)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="libnginx-mod-nchan"):
        push_tier.require_nginx()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="libnginx-mod-nchan"):
        push_tier.require_nginx()

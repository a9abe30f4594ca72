"""Signals of the points ledger, so it never imports who listens (DESIGN.md section 3).

``points_awarded`` is sent with ``entry=`` (a PointEntry) for each new ledger entry of an award
or a manual adjustment, inside the transaction that wrote it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

points_awarded = _signals.signal("points-awarded")

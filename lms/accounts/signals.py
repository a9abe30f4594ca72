"""Signals other packages listen to, so accounts never imports them (DESIGN.md section 3).

``unit_assigned`` is sent with ``users=[...]`` after users are created or moved to another unit,
inside the same transaction; courses use it to enrol members in required courses of the unit.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

unit_assigned = _signals.signal("unit-assigned")

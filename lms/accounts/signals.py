"""Signals other packages listen to, so accounts never imports them (DESIGN.md section 3).

``unit_assigned`` is sent with ``users=[...]`` after users are created or moved to another unit,
inside the same transaction; courses use it to enrol members in required courses of the unit.
``directory_email`` is sent with ``user=`` and ``email=`` when the directory (LDAP ``mail``, an
OpenID provider's verified ``email``) gives an address at sign-in; the notifications keep it.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

unit_assigned = _signals.signal("unit-assigned")
directory_email = _signals.signal("directory-email")

"""The refusals of live sessions, each with its own code for the API and the pages."""

from __future__ import annotations

from lms.core.errors import ConflictError


class WrongStateError(ConflictError):
    """The session is not in a state that allows the action (a host clicked twice, say)."""

    code = "wrong_state"


class ClosedError(ConflictError):
    """The question is not open for answers (not yet, paused, past its deadline, or another)."""

    code = "closed"


class AlreadyAnsweredError(ConflictError):
    code = "already_answered"

"""Running a service for a submitted form: commit on success, show the refusal otherwise."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask import flash

from lms.core.errors import DomainError
from lms.core.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    ok: bool
    value: T | None = None
    error: DomainError | None = None

    @property
    def status(self) -> int:
        """The HTTP status to re-render a refused form with (413 for a too-large upload, 503
        when the file storage failed)."""
        passed_on = self.error is not None and self.error.status in (413, 503)
        return self.error.status if passed_on and self.error is not None else 200


def show_error(form: Any, error: DomainError) -> None:
    """Show a service's refusal on the field it names, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def submit(form: Any, action: Callable[[], T]) -> Outcome[T]:
    """Run ``action`` as one transaction: commit it, or roll it back and show why on ``form``."""
    try:
        value = action()
    except DomainError as error:
        db.session.rollback()
        show_error(form, error)
        return Outcome(ok=False, error=error)
    db.session.commit()
    return Outcome(ok=True, value=value)

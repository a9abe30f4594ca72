"""The base class and registry of question types."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from flask_babel import gettext as _

from lms.core.errors import ValidationError

_REGISTRY: dict[str, type[QuestionType]] = {}


class QuestionType:
    key: ClassVar[str]
    label: ClassVar[Any]
    graded_by_person: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "key", None):
            _REGISTRY[cls.key] = cls

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        """The definition, cleaned; raises ValidationError listing what is wrong."""
        raise NotImplementedError

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        raise NotImplementedError

    def grade(self, definition: dict[str, Any], response: Any) -> float | None:
        """A fraction in [0, 1] of the mark; None when a person must grade it."""
        raise NotImplementedError

    def correct_response(self, definition: dict[str, Any]) -> Any:
        raise NotImplementedError

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        """The response in words, for review pages and exports."""
        raise NotImplementedError


def get_type(key: str) -> QuestionType:
    try:
        return _REGISTRY[key]()
    except KeyError as error:
        raise ValidationError(
            _("Unknown question type “%(key)s”.", key=key), field="type"
        ) from error


def registered_types() -> dict[str, type[QuestionType]]:
    return dict(_REGISTRY)


def problem(message: str, field: str = "definition") -> ValidationError:
    return ValidationError(message, field=field)


def clean_text(value: Any, what: str | Callable[[], str], limit: int = 2000) -> str:
    """The text stripped; ``what`` names it in the error (a callable: translated only then,
    since imports check hundreds of thousands of options)."""
    if isinstance(value, str) and value.strip() and len(value) <= limit:
        return value.strip()
    name = what() if callable(what) else what
    if not isinstance(value, str) or not value.strip():
        raise problem(_("%(what)s must not be empty.", what=name))
    raise problem(_("%(what)s has at most %(n)d characters.", what=name, n=limit))


def clamp(fraction: float) -> float:
    return max(0.0, min(1.0, fraction))

"""Short answer or essay: a person grades it later."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from question_bank.types.base import QuestionType

MAX_RESPONSE = 20_000


class ShortAnswer(QuestionType):
    key = "short_answer"
    label = _l("Short answer / essay")
    graded_by_person = True

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        reference = definition.get("reference") or ""
        return {"reference": str(reference).strip()}

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        return isinstance(response, str) and bool(response.strip())

    def grade(self, definition: dict[str, Any], response: Any) -> float | None:
        return None

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return definition.get("reference", "")

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        return response[:MAX_RESPONSE] if isinstance(response, str) else ""

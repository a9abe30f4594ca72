"""Fill in the blanks: ``{{1}}``, ``{{2}}``… in the stem, several accepted answers per blank."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from question_bank.types.base import QuestionType, clean_text, problem
from question_bank.types.normalise import normalise_answer

BLANK = re.compile(r"\{\{(\d+)\}\}")
MAX_BLANKS = 20


def blank_numbers(stem: str) -> list[int]:
    return [int(number) for number in BLANK.findall(stem or "")]


class FillBlank(QuestionType):
    key = "fill_blank"
    label = _l("Fill in the blanks")

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        numbers = blank_numbers(stem)
        if not numbers:
            raise problem(_("Mark each blank in the question as {{1}}, {{2}}, …"), field="stem")
        if numbers != list(range(1, len(numbers) + 1)) or len(numbers) > MAX_BLANKS:
            raise problem(_("Number the blanks {{1}}, {{2}}, … in order, each once."), field="stem")
        blanks = definition.get("blanks")
        if not isinstance(blanks, list) or len(blanks) != len(numbers):
            raise problem(
                _("Give the accepted answers of each of the %(n)d blanks.", n=len(numbers))
            )
        cleaned = []
        for index, given in enumerate(blanks):
            answers = [given] if isinstance(given, str) else given
            if not isinstance(answers, list) or not answers:
                raise problem(_("Blank %(n)d needs at least one accepted answer.", n=index + 1))
            texts = [
                clean_text(a, lambda n=index + 1: _("An answer of blank %(n)d", n=n), 200)
                for a in answers
            ]
            cleaned.append(list(dict.fromkeys(texts)))
        return {"blanks": cleaned}

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        return (
            isinstance(response, list)
            and len(response) == len(definition["blanks"])
            and all(isinstance(r, str) and r.strip() for r in response)
        )

    def blank_results(self, definition: dict[str, Any], response: Any) -> list[bool]:
        given = response if isinstance(response, list) else []
        results = []
        for index, accepted in enumerate(definition["blanks"]):
            answer = given[index] if index < len(given) and isinstance(given[index], str) else ""
            wanted = {normalise_answer(a) for a in accepted}
            results.append(bool(answer.strip()) and normalise_answer(answer) in wanted)
        return results

    def grade(self, definition: dict[str, Any], response: Any) -> float:
        results = self.blank_results(definition, response)
        return sum(results) / len(results)

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return [answers[0] for answers in definition["blanks"]]

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        return " | ".join(r if isinstance(r, str) else "" for r in (response or []))

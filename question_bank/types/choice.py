"""Single choice, multiple choice (all or nothing, or partial credit) and true/false."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from question_bank.types.base import QuestionType, clamp, clean_text, problem

MIN_OPTIONS, MAX_OPTIONS = 2, 10


def _options(definition: dict[str, Any]) -> list[dict[str, str]]:
    options = definition.get("options")
    if not isinstance(options, list) or not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise problem(
            _("A choice question has %(a)d to %(b)d options.", a=MIN_OPTIONS, b=MAX_OPTIONS)
        )
    cleaned, seen_ids, seen_texts = [], set(), set()
    for index, option in enumerate(options):
        if not isinstance(option, dict):
            raise problem(_("Option %(n)d is not valid.", n=index + 1))
        option_id = str(option.get("id") or chr(ord("a") + index))
        text = clean_text(option.get("text"), lambda n=index + 1: _("Option %(n)d", n=n))
        if option_id in seen_ids:
            raise problem(_("Two options have the same id “%(id)s”.", id=option_id))
        if text.casefold() in seen_texts:
            raise problem(_("Two options say the same: “%(text)s”.", text=text))
        seen_ids.add(option_id)
        seen_texts.add(text.casefold())
        entry = {"id": option_id, "text": text}
        feedback = option.get("feedback")
        if isinstance(feedback, str) and feedback.strip():
            entry["feedback"] = feedback.strip()[:2000]  # shown when review allows
        cleaned.append(entry)
    return cleaned


def _text_of(definition: dict[str, Any], option_id: Any) -> str:
    for option in definition["options"]:
        if option["id"] == option_id:
            return option["text"]
    return "?"


class SingleChoice(QuestionType):
    key = "single_choice"
    label = _l("Single choice")

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        options = _options(definition)
        correct = definition.get("correct")
        if not isinstance(correct, str) or correct not in {o["id"] for o in options}:
            raise problem(_("Choose the one correct option."))
        return {"options": options, "correct": correct}

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        return response in {o["id"] for o in definition["options"]}

    def grade(self, definition: dict[str, Any], response: Any) -> float:
        return 1.0 if response == definition["correct"] else 0.0

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return definition["correct"]

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        return _text_of(definition, response) if self.is_complete(definition, response) else ""


class MultipleChoice(QuestionType):
    """Several correct options. ``scoring`` "all" gives the mark only for exactly the right set;
    "partial" gives each right pick its share and takes ``penalty`` shares of a wrong option's
    weight for each wrong pick, never below 0."""

    key = "multiple_choice"
    label = _l("Multiple choice")

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        options = _options(definition)
        ids = {o["id"] for o in options}
        correct = definition.get("correct")
        if (
            not isinstance(correct, list)
            or not correct
            or not all(isinstance(c, str) and c in ids for c in correct)
        ):
            raise problem(_("Choose at least one correct option."))
        scoring = definition.get("scoring", "all")
        if scoring not in ("all", "partial"):
            raise problem(_("Scoring is “all” (all or nothing) or “partial”."))
        penalty = definition.get("penalty", 1.0)
        if not isinstance(penalty, int | float) or not 0 <= penalty <= 1:
            raise problem(_("The penalty for a wrong pick is between 0 and 1."))
        ordered = [o["id"] for o in options if o["id"] in set(correct)]
        return {
            "options": options,
            "correct": ordered,
            "scoring": scoring,
            "penalty": float(penalty),
        }

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        ids = {o["id"] for o in definition["options"]}
        return isinstance(response, list) and bool(response) and set(response) <= ids

    def grade(self, definition: dict[str, Any], response: Any) -> float:
        if not self.is_complete(definition, response):
            return 0.0
        picked, correct = set(response), set(definition["correct"])
        if definition.get("scoring", "all") == "all":
            return 1.0 if picked == correct else 0.0
        wrong_options = len(definition["options"]) - len(correct)
        gained = len(picked & correct) / len(correct)
        lost = (len(picked - correct) / wrong_options) if wrong_options else 0.0
        return clamp(gained - definition.get("penalty", 1.0) * lost)

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return list(definition["correct"])

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        if not isinstance(response, list):
            return ""
        order = [o["id"] for o in definition["options"]]
        return "; ".join(
            _text_of(definition, i) for i in sorted(response, key=order.index) if i in order
        )


class TrueFalse(QuestionType):
    key = "true_false"
    label = _l("True / false")

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        correct = definition.get("correct")
        if not isinstance(correct, bool):
            raise problem(_("Say whether the statement is true or false."))
        return {"correct": correct}

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        return isinstance(response, bool)

    def grade(self, definition: dict[str, Any], response: Any) -> float:
        return 1.0 if response is definition["correct"] else 0.0

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return definition["correct"]

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        if not isinstance(response, bool):
            return ""
        return _("True") if response else _("False")

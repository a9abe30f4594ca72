"""Matching: pair each item on the left with one on the right; the right side may also list
items that match nothing (``distractors``, as GIFT's ``= -> item`` and Moodle's empty
subquestions)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from question_bank.types.base import QuestionType, clean_text, problem


def right_texts(definition: dict[str, Any]) -> dict[str, str]:
    """Every right-hand item by id: the pairs' and the extra ones."""
    texts = {p["id"]: p["right"] for p in definition["pairs"]}
    texts.update({d["id"]: d["text"] for d in definition.get("distractors", [])})
    return texts


class Matching(QuestionType):
    """Each pair has an id; a response maps a left id to the right id it was matched with."""

    key = "matching"
    label = _l("Matching")

    def validate(self, stem: str, definition: dict[str, Any]) -> dict[str, Any]:
        pairs = definition.get("pairs")
        if not isinstance(pairs, list) or not 2 <= len(pairs) <= 20:
            raise problem(_("A matching question has 2 to 20 pairs."))
        cleaned, ids = [], set()
        for index, pair in enumerate(pairs):
            if not isinstance(pair, dict):
                raise problem(_("Pair %(n)d is not valid.", n=index + 1))
            pair_id = str(pair.get("id") or f"p{index + 1}")
            if pair_id in ids:
                raise problem(_("Two pairs have the same id “%(id)s”.", id=pair_id))
            ids.add(pair_id)
            cleaned.append(
                {
                    "id": pair_id,
                    "left": clean_text(
                        pair.get("left"), lambda n=index + 1: _("The left side of pair %(n)d", n=n)
                    ),
                    "right": clean_text(
                        pair.get("right"),
                        lambda n=index + 1: _("The right side of pair %(n)d", n=n),
                    ),
                }
            )
        extra = definition.get("distractors") or []
        if not isinstance(extra, list) or len(extra) > 20:
            raise problem(_("A matching question has at most 20 extra right-hand items."))
        distractors = []
        for index, item in enumerate(extra):
            item_id = str(item.get("id") or f"d{index + 1}") if isinstance(item, dict) else ""
            if not item_id or item_id in ids:
                raise problem(_("Extra right-hand item %(n)d is not valid.", n=index + 1))
            ids.add(item_id)
            text = clean_text(
                item.get("text"), lambda n=index + 1: _("Extra right-hand item %(n)d", n=n)
            )
            distractors.append({"id": item_id, "text": text})
        return {"pairs": cleaned, "distractors": distractors} if distractors else {"pairs": cleaned}

    def is_complete(self, definition: dict[str, Any], response: Any) -> bool:
        ids = {p["id"] for p in definition["pairs"]}
        return isinstance(response, dict) and set(response) == ids

    def grade(self, definition: dict[str, Any], response: Any) -> float:
        if not isinstance(response, dict):
            return 0.0
        pairs = definition["pairs"]
        return sum(1 for p in pairs if response.get(p["id"]) == p["id"]) / len(pairs)

    def correct_response(self, definition: dict[str, Any]) -> Any:
        return {p["id"]: p["id"] for p in definition["pairs"]}

    def summary(self, definition: dict[str, Any], response: Any) -> str:
        if not isinstance(response, dict):
            return ""
        right = right_texts(definition)
        return "; ".join(
            f"{p['left']} → {right.get(response.get(p['id']), '?')}" for p in definition["pairs"]
        )

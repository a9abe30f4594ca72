"""The registry of course item kinds. A later package registers its kind (quizzes add one).

A kind says how it is labelled, which page shows it to a member, and whether a member marks it
done by reading (lessons) or it is completed elsewhere (a quiz passed, an activity attended).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class ItemKind:
    key: str
    label: object
    icon: str
    completed_by_reading: bool
    endpoint: str  # the member's page for an item of this kind, taking ``item_id``
    edit_endpoint: str = "course_authoring.edit_item"  # the author's page, taking ``item_id``
    # How the API adds an item of a kind owned by a package above courses: (module, request
    # body, user) -> the new item. None: the item is created here, as a lesson is.
    create: Callable[[Any, dict[str, Any], Any], Any] | None = None


KINDS: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> ItemKind:
    KINDS[kind.key] = kind
    return kind


LESSON = register(
    ItemKind("lesson", _l("Lesson"), "📖", completed_by_reading=True, endpoint="courses.lesson")
)
ACTIVITY = register(
    ItemKind(
        "activity",
        _l("Offline activity"),
        "📍",
        completed_by_reading=False,
        endpoint="activities.show",
        edit_endpoint="activities.edit",
    )
)


def kind_of(key: str) -> ItemKind:
    return KINDS[key]

"""One of everything a URL can name, for tests that walk every route."""

from __future__ import annotations

from typing import Any

from courses.services import authoring
from lms.accounts.models import User
from tests.factories import OrgUnitFactory, UserFactory


def sample_objects(editor: User | None = None) -> dict[str, Any]:
    """A user, an empty unit, and a published course (everyone) with a module and a lesson."""
    course = authoring.create_course(title="Sample course", editors=[editor] if editor else [])
    module = authoring.add_module(course, title="Module one")
    item = authoring.add_item(module, kind="lesson", title="Lesson one", body_md="Hello")
    authoring.set_published(course, True)
    return {
        "user": UserFactory(username="target"),
        "unit": OrgUnitFactory(name="Empty"),
        "course": course,
        "module": module,
        "item": item,
    }

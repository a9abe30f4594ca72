"""Building courses for tests through the real authoring services."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from courses.models import Course, CourseItem, CourseModule
from courses.services import activities, authoring, media
from lms.accounts.models import OrgUnit
from lms.core.uploads import save_upload

# A real two-second H.264 MP4 (32x24, made with ffmpeg): browsers play it, mutagen reads it.
CLIP = Path(__file__).parent / "fixtures" / "clip-2s.mp4"


def make_course(
    *,
    title: str = "Course",
    modules: Sequence[Sequence[int]] = ((5, 5),),
    units: Sequence[OrgUnit] = (),
    required: bool = False,
    published: bool = True,
    locked_last: bool = False,
    min_read_seconds: int | None = None,
) -> Course:
    """A course whose modules hold lessons of the given minutes, e.g. ((3, 5), (10,))."""
    course = authoring.create_course(title=title, units=units, is_required=required, tags=["tag-a"])
    for number, minutes_list in enumerate(modules):
        module = authoring.add_module(
            course,
            title=f"Module {number + 1}",
            requires_previous=locked_last and number == len(modules) - 1,
        )
        for index, minutes in enumerate(minutes_list):
            authoring.add_item(
                module,
                kind="lesson",
                title=f"Lesson {number + 1}.{index + 1}",
                body_md=f"Text of lesson {number + 1}.{index + 1}",
                minutes=minutes,
                min_read_seconds=min_read_seconds,
            )
    if published:
        authoring.set_published(course, True)
    return course


def add_video(item: CourseItem, *, allows_reading: bool = False) -> CourseItem:
    """Give a lesson the two-second test clip as its uploaded video."""
    upload = save_upload(io.BytesIO(CLIP.read_bytes()), "clip.mp4", "video")
    return media.set_lesson_video(item, upload=upload, allows_reading=allows_reading)


def add_talk(
    module: CourseModule, starts_at: datetime, *, capacity: int | None = None
) -> CourseItem:
    """An hour-long expert talk in the hall, added at the end of ``module``."""
    return activities.add_activity(
        module,
        title="Talk",
        description_md="",
        kind="expert_talk",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        place="Hall",
        capacity=capacity,
    )

"""Lesson videos: the length read from the file, and watching as the way to complete."""

from __future__ import annotations

import io
import wave

import pytest
from flask_babel import force_locale

from courses.services import media, progress
from lms.core.errors import ConflictError, ValidationError
from lms.core.uploads import save_upload
from tests.courses_factories import CLIP, add_video, make_course
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_the_length_is_read_from_a_real_video(tmp_path):
    assert media.video_seconds(CLIP) == 2
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4)
    with pytest.raises(ValidationError, match="length could not be read") as refused:
        media.video_seconds(broken)
    assert refused.value.field == "video_file"


def test_an_uploaded_video_takes_its_length_from_the_file(db):
    item = make_course(modules=((5,),)).modules[0].items[0]
    add_video(item)
    assert item.video_seconds == 2
    assert progress.completes_by_watching(item)
    media.set_lesson_video(item, url="https://player.bilibili.com/player.html?bvid=1")
    assert item.video_seconds is None
    assert not progress.completes_by_watching(item)


def test_staging_refuses_a_file_without_a_length(db):
    member = UserFactory()
    fake = io.BytesIO(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 600)
    with pytest.raises(ValidationError, match="length could not be read"):
        media.stage_video(fake, "fake.mp4", member)
    staged = media.stage_video(io.BytesIO(CLIP.read_bytes()), "clip.mp4", member)
    assert media.staged_video(staged.token, member) is staged
    assert media.staged_video(staged.token, UserFactory()) is None
    other = save_upload(io.BytesIO(b"%PDF-1.4 x"), "guide.pdf", "attachment", member.id)
    assert media.staged_video(other.token, member) is None


def test_a_video_lesson_completes_by_watching_not_by_reading(db, clock):
    member = UserFactory()
    item = make_course(modules=((5, 5),), min_read_seconds=0).modules[0].items[0]
    add_video(item)
    progress.open_item(member, item.id)
    clock.advance(seconds=60)
    with pytest.raises(ConflictError, match="Watch the video") as refused:
        progress.complete_lesson(member, item.id)
    assert refused.value.code == "watch_video"
    assert progress.report_video(member, item.id, 2.0).completed


def test_the_author_may_allow_reading(db, clock):
    member = UserFactory()
    item = make_course(modules=((5, 5),), min_read_seconds=0).modules[0].items[0]
    add_video(item, allows_reading=True)
    progress.open_item(member, item.id)
    assert progress.complete_lesson(member, item.id).completed


def test_each_report_adds_only_what_the_time_since_the_last_allows(db, clock):
    member = UserFactory()
    item = make_course(modules=((5, 5),)).modules[0].items[0]
    add_video(item)
    item.video_seconds = 600  # a ten-minute video
    progress.open_item(member, item.id)
    # An hour later, one report of the whole video counts as one heartbeat at double speed.
    clock.advance(seconds=3600)
    opened = progress.report_video(member, item.id, 600)
    assert opened.record.video_watched_seconds == 60
    assert not opened.completed
    # Reports that come faster than the time allows count no more than double speed.
    clock.advance(seconds=1)
    assert progress.report_video(member, item.id, 600).record.video_watched_seconds == 62
    # Watching at normal speed, reported every ten seconds, completes the lesson at 90 %.
    watched = 62
    while not opened.completed:
        clock.advance(seconds=10)
        watched += 10
        opened = progress.report_video(member, item.id, watched)
    assert watched == 542  # 62 + 48 reports of 10 s: 90 % of 600 is 540


def test_the_length_of_a_file_made_here_is_read(tmp_path):
    """A 3.4-second silent WAV written by the standard library: mutagen reads its length too."""
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * (8000 * 34 // 10))
    assert media.video_seconds(path) == 3

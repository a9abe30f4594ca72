"""``lms clean-storage``: abandoned files go, files in use stay (on both back ends)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from courses.services import authoring
from lms.core.storage import Storage
from lms.core.uploads import Upload, save_upload
from question_bank.services import pending_imports
from tests.courses_factories import make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["lms", "clean-storage", *args])


def test_abandoned_files_are_removed_and_used_ones_kept(app, db, clock, storage_backend: Storage):
    clock.now = datetime.now(UTC)
    course = make_course()
    old_cover = save_upload(io.BytesIO(PNG), "old.png", "image")
    authoring.set_cover(course, old_cover)
    cover = save_upload(io.BytesIO(PNG), "new.png", "image")
    authoring.set_cover(course, cover)  # the old cover is used by nothing now
    image = save_upload(io.BytesIO(PNG), "q.png", "image", scope="question")
    save_upload(io.BytesIO(PNG), "staged.png", "image")  # a video form never saved
    db.session.commit()
    pending_imports.park(b"Q?\nA. x\nANSWER: A\n", "aiken", 1)
    storage_backend.save("zz/zzstray.png", io.BytesIO(PNG))  # written, never committed

    young = _run(app)
    assert young.exit_code == 0, young.output
    assert "removed 0 import previews, 0 unused uploads, 0 stray files" in young.output

    clock.advance(hours=25)
    old = _run(app)
    assert "removed 1 import previews, 2 unused uploads, 1 stray files" in old.output
    kept = sorted(stored.key for stored in storage_backend.list())
    assert kept == sorted([cover.key, image.key])
    assert {u.filename for u in db.session.query(Upload)} == {"new.png", "q.png"}

"""Take the screenshots in docs/img from a demo site: ``.venv/bin/python tools/screenshots.py``.

Starts the app on a temporary SQLite database with the demo data, drives Debian's Chromium with
Playwright and writes PNGs at desktop (1280x800) and phone (390x844) sizes. Chinese text needs a
CJK font on the machine (Debian: ``apt-get install fonts-noto-cjk``).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "img"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def serve_demo(extra: Callable[[], None] | None = None) -> tuple[str, Flask]:
    """Serve the app on a temporary SQLite database with the demo data (and ``extra``'s)."""
    from flask_migrate import upgrade  # noqa: PLC0415

    from lms.app import create_app  # noqa: PLC0415
    from lms.cli import seed_demo_data  # noqa: PLC0415
    from lms.core.extensions import db  # noqa: PLC0415

    folder = tempfile.mkdtemp()
    os.environ["LMS_INSTANCE_PATH"] = folder
    app = create_app("development", DATABASE_URL=f"sqlite:///{folder}/docs.sqlite3")
    with app.app_context():
        upgrade()
        seed_demo_data()
        if extra is not None:
            extra()
        db.session.commit()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", app


def _login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "demo1234")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    base, _app = serve_demo()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        shots = [
            ("login-phone", None, PHONE, "/login"),
            ("home-desktop", "zhangsan", DESKTOP, "/"),
            ("home-phone", "zhangsan", PHONE, "/"),
            ("units-desktop", "admin", DESKTOP, "/admin/units/"),
            ("users-desktop", "admin", DESKTOP, "/admin/users/"),
            ("import-desktop", "admin", DESKTOP, "/admin/users/import"),
            ("courses-phone", "zhangsan", PHONE, "/courses/"),
            ("course-phone", "zhangsan", PHONE, "/courses/1"),
            ("lesson-phone", "zhangsan", PHONE, "/lessons/4"),
            ("home-minutes-phone", "zhangsan", PHONE, "/?minutes=5"),
            ("authoring-desktop", "admin", DESKTOP, "/manage/courses/1"),
            ("lesson-editor-desktop", "admin", DESKTOP, "/manage/items/2/edit"),
            ("report-desktop", "organizer", DESKTOP, "/reports/courses/1"),
            ("roster-desktop", "organizer", DESKTOP, "/manage/activities/10"),
            ("activity-phone", "lisi", PHONE, "/activities/10"),
            ("question-form-desktop", "organizer", DESKTOP, "/bank/questions/new?type=fill_blank"),
            ("bank-desktop", "organizer", DESKTOP, "/bank/"),
            ("quizzes-phone", "zhangsan", PHONE, "/quizzes"),
            ("quiz-start-phone", "zhangsan", PHONE, "/quizzes/2"),
            ("quiz-attempt-phone", "zhangsan", PHONE, "/quizzes/2#start"),
            ("quiz-attempt-desktop", "zhangsan", DESKTOP, "/quizzes/2#start"),
            ("quiz-review-phone", "lisi", PHONE, "/attempts/1/review"),
            ("quiz-manage-desktop", "organizer", DESKTOP, "/manage/quizzes/1"),
            ("quiz-results-desktop", "organizer", DESKTOP, "/manage/quizzes/1/results"),
            ("quiz-statistics-desktop", "organizer", DESKTOP, "/manage/quizzes/1/statistics"),
            ("practice-phone", "wangwu", PHONE, "/practice"),
            ("daily-phone", "wangwu", PHONE, "/daily"),
            ("notebook-phone", "lisi", PHONE, "/notebook"),
            ("competitions-phone", "wangwu", PHONE, "/competitions"),
            ("competition-phone", "zhangsan", PHONE, "/competitions/2"),
            ("competition-live-phone", "zhangsan", PHONE, "/competitions/2/live"),
            ("competition-results-desktop", "zhangsan", DESKTOP, "/competitions/1/results"),
            ("certificate-desktop", "zhangsan", DESKTOP, "/competitions/1/certificates/1"),
            ("competition-manage-desktop", "organizer", DESKTOP, "/manage/competitions/2"),
            ("points-phone", "zhangsan", PHONE, "/points"),
            ("points-leaderboard-desktop", "zhangsan", DESKTOP, "/points/leaderboard?period=all"),
            ("hours-record-desktop", "zhangsan", DESKTOP, "/study-hours"),
        ]
        for name, username, viewport, path in shots:
            context = browser.new_context(viewport=viewport, locale="zh-CN")
            page = context.new_page()
            if username:
                _login(page, base, username)
            page.goto(base + path)
            if path.endswith("#start"):  # start (or resume) the quiz, then show the attempt
                page.click("[data-testid=start]")
                page.wait_for_url("**/attempts/**")
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            context.close()
            print(f"docs/img/{name}.png")
        browser.close()


if __name__ == "__main__":
    main()

"""The tour: every page of every role, at phone and desktop sizes, in Chinese and English.

``make tour`` (or ``.venv/bin/python tools/tour.py``) starts a demo site, opens each page of
:mod:`tools.tour_stops` in Debian's Chromium and saves a screenshot of each page, language and
size under ``$LMS_TOUR_DIR`` (default ``test-results/tour/``). It reports every page that answers
a 5xx (or another status than its stop expects), logs a console error, is wider than the window,
or has a serious or critical axe-core violation. ``tests/browser/test_tour.py`` runs the same tour
in every CI run.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.tour_stops import Stop  # noqa: E402

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ("zh_Hans", "en")
SERIOUS = {"serious", "critical"}
# Moderate or minor rules that the tour enforces all the same: every landmark named apart, all
# content inside one, and no table column without a name.
ENFORCED = {"landmark-unique", "landmark-one-main", "region", "empty-table-header"}
PASSWORD = "demo1234"  # the demo seed's  # noqa: S105
DEFAULT_FOLDER = ROOT / "test-results" / "tour"

# Elements that stick out of the window, outside any box that scrolls or clips them.
WIDE_ELEMENTS = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const out = [];
  const all = [...document.body.querySelectorAll('*')];
  const sticksOut = (el) => el.getBoundingClientRect().right > width + 1;
  for (const el of all) {
    if (sticksOut(el) && !sticksOut(el.parentElement) && !clipped(el)) out.push(name(el));
  }
  // Nothing sticks out on its own: name the innermost elements past the edge (say, an
  // absolutely placed one that escapes its scrolling box).
  if (!out.length) out.push(...all.filter((el) => sticksOut(el) && !el.children.length).map(name));
  return {scrollWidth: document.documentElement.scrollWidth, elements: out.slice(0, 4)};
}"""


@dataclass
class Tour:
    """How much to look at; the defaults are the full tour."""

    folder: Path | None = DEFAULT_FOLDER  # None: no screenshots
    languages: tuple[str, ...] = LANGUAGES
    sizes: tuple[str, ...] = ("phone", "desktop")
    # axe runs once per page and language, at one size: English (the longer words) on a phone,
    # where tables scroll and menus fold, Chinese on a desktop, where everything shows.
    axe_sizes: dict[str, str] = field(default_factory=lambda: {"en": "phone", "zh_Hans": "desktop"})
    problems: list[str] = field(default_factory=list)
    pages: int = 0


def folder_from_environment() -> Path:
    return Path(os.environ.get("LMS_TOUR_DIR") or DEFAULT_FOLDER)


def _log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    page.wait_for_url(f"{base}/")


def _switch_language(page: Page, base: str, language: str) -> None:
    page.goto(f"{base}/")  # guests land on the login page; both have the language switch
    page.get_by_test_id(f"lang-{language}").click()
    page.wait_for_load_state()


def _axe_problems(axe: Axe, page: Page) -> list[str]:
    violations = axe.run(page).response["violations"]
    return [
        f"axe {violation['impact']} {violation['id']}: {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in violations
        if violation["impact"] in SERIOUS or violation["id"] in ENFORCED
    ]


def _look(tour: Tour, page: Page, axe: Axe, stop: Stop, *, url: str, language: str) -> list[str]:
    """Open one page, then look at it at each size; what is wrong with it."""
    problems: list[str] = []
    for number, size in enumerate(tour.sizes):
        page.set_viewport_size(SIZES[size])
        if number == 0:
            response = page.goto(url)
            status = response.status if response else 0
            if status != stop.status:
                problems.append(f"answered {status}, expected {stop.status}")
        wide = page.evaluate(WIDE_ELEMENTS)
        if wide:
            problems.append(
                f"{size}: {wide['scrollWidth']} px wide in a {SIZES[size]['width']} px window"
                f" ({', '.join(wide['elements']) or 'no single element'})"
            )
        if tour.folder is not None:
            path = tour.folder / language / size / f"{stop.name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(path), full_page=True)
        if tour.axe_sizes.get(language) == size:
            problems += _axe_problems(axe, page)
        tour.pages += 1
    return problems


def _watch(page: Page, sink: Callable[[str], None]) -> None:
    def on_console(message: Any) -> None:
        if message.type == "error":
            sink(f"console error: {message.text}")

    def on_response(response: Any) -> None:
        if response.status >= 500:
            sink(f"{response.status} from {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: sink(f"uncaught: {error}"))
    page.on("response", on_response)


def walk(tour: Tour, browser: Browser, base: str, stops: Iterable[tuple[Stop, str]]) -> Tour:
    """Visit each ``(stop, path)`` as its user, in each language; the problems land in ``tour``."""
    by_user: dict[str | None, list[tuple[Stop, str]]] = {}
    visited = list(stops)
    for stop, path in visited:
        by_user.setdefault(stop.user, []).append((stop, path))
    axe = Axe()
    for username, visits in by_user.items():
        context = browser.new_context(locale="zh-CN", viewport=SIZES["desktop"])
        page = context.new_page()
        heard: list[str] = []
        _watch(page, heard.append)
        if username:
            _log_in(page, base, username)
        for language in tour.languages:
            _switch_language(page, base, language)
            for stop, path in visits:
                heard.clear()
                found = _look(tour, page, axe, stop, url=base + path, language=language)
                expected = f"the server responded with a status of {stop.status} "
                found += [text for text in heard if stop.status == 200 or expected not in text]
                tour.problems += [f"{language} {stop.name} {path}: {text}" for text in found]
        context.close()
    if tour.folder is not None:
        write_index(tour, [stop for stop, _path in visited], tour.folder)
    return tour


def write_index(tour: Tour, stops: list[Stop], folder: Path) -> Path:
    """``index.html`` beside the screenshots: the problems, then each page in every language and
    size side by side, to look through in a browser."""
    views = [(language, size) for language in tour.languages for size in tour.sizes]
    head = "".join(f"<th>{language} {size}</th>" for language, size in views)
    rows = "".join(
        f"<tr><th>{escape(stop.name)}</th>"
        + "".join(
            f'<td><a href="{language}/{size}/{stop.name}.png">'
            f'<img src="{language}/{size}/{stop.name}.png" loading="lazy" alt=""></a></td>'
            for language, size in views
        )
        + "</tr>"
        for stop in stops
    )
    problems = (
        "".join(f"<li>{escape(problem)}</li>" for problem in tour.problems) or "<li>none</li>"
    )
    path = tour.folder / "index.html"
    path.write_text(
        '<!doctype html><meta charset="utf-8"><title>Tour</title><style>'
        "img{width:200px;vertical-align:top}"
        "th{text-align:left;vertical-align:top;font:12px sans-serif}"
        f"</style><h1>Tour</h1><h2>Problems</h2><ul>{problems}</ul>"
        f"<table><tr><th></th>{head}</tr>{rows}</table>",
        encoding="utf-8",
    )
    return path


def _serve_demo() -> tuple[str, list[tuple[Stop, str]]]:
    from tools.screenshots import serve_demo  # noqa: PLC0415
    from tools.tour_stops import add_tour_data, tour_stops  # noqa: PLC0415

    base, app = serve_demo(add_tour_data)
    with app.test_request_context():
        return base, [(stop, stop.url()) for stop in tour_stops()]


def main() -> int:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: PLC0415

    started = time.monotonic()
    base, stops = _serve_demo()
    tour = Tour(folder=folder_from_environment())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        walk(tour, browser, base, stops)
        browser.close()
    for problem in tour.problems:
        print(problem)
    print(
        f"{tour.pages} page views in {time.monotonic() - started:.0f} s, "
        f"{len(tour.problems)} problems; screenshots in {tour.folder} (index.html)"
    )
    return 1 if tour.problems else 0


if __name__ == "__main__":
    sys.exit(main())

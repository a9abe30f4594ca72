"""The site menu at tablet and small desktop widths, in English (the longest labels) as an admin
(the most items): folded behind ☰ below 1024 px, one row of whole words from 1024 px on."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_member_journey import log_in


def _spread(page: Page) -> float:
    """How far apart the tops of the menu's items are: under a line's height in one row."""
    tops = page.locator("#main-menu > li").evaluate_all(
        "items => items.map(item => item.getBoundingClientRect().top)"
    )
    return max(tops) - min(tops)


@pytest.mark.parametrize("width", [768, 900, 1023, 1024, 1280])
def test_the_menu_folds_below_1024_px_and_fits_one_row_above(
    page: Page, site: str, make_user, db, browser_errors, width: int
) -> None:
    make_user(username="root", role="admin", password="admin-pass-1", language="en")
    db.session.commit()
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, site, "root", "admin-pass-1")
    toggle = page.get_by_role("button", name="Menu")
    menu = page.locator("#main-menu")
    if width < 1024:
        expect(toggle).to_be_visible()
        expect(menu).to_be_hidden()
        toggle.click()
        expect(menu.get_by_role("link", name="Live quiz")).to_be_visible()
    else:
        expect(toggle).to_be_hidden()
        expect(menu.get_by_role("button", name="Log out")).to_be_visible()
        assert _spread(page) < 20
    home = menu.get_by_role("link", name="Home").bounding_box()
    for label in ("Live quiz", "Log out"):  # never broken inside a label
        box = menu.get_by_text(label, exact=True).bounding_box()
        assert home and box and box["height"] <= home["height"] + 1, f"{label} wraps at {width}"
    assert browser_errors == []

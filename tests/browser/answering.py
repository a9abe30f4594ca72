"""Finding a question on an attempt page as a person does: by its heading or by its text."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page


def question(page: Page, *, number: int | None = None, text: str | None = None) -> Locator:
    """The question headed "第 n 题" (number) or the one whose stem says ``text``."""
    card = page.get_by_role("article")
    if number is not None:
        heading = page.get_by_role("heading", name=re.compile(rf"^第 {number} 题"))
        card = card.filter(has=heading)
    if text is not None:
        card = card.filter(has_text=text)
    return card

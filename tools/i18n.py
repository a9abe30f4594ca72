"""Catalog chores: ``python tools/i18n.py fill-en`` and ``python tools/i18n.py missing``.

Source strings are English, so the English catalog says the same as the source: ``fill-en``
copies every untranslated msgid into its msgstr. ``missing`` lists what a catalog lacks.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "lms" / "translations"


def catalog_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def load(language: str) -> Catalog:
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def save(catalog: Catalog, language: str) -> None:
    with catalog_path(language).open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, no_location=True)


def untranslated(catalog: Catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def fill_english() -> None:
    catalog = load("en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            message.string = tuple(message.id)
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    save(catalog, "en")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "fill-en":
        fill_english()
        return 0
    status = 0
    for language in ("zh_Hans", "en"):
        for msgid in untranslated(load(language)):
            print(f"{language}: {msgid}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Catalog chores: ``python tools/i18n.py fill-en|apply-pending|missing``.

Source strings are English, so the English catalog says the same as the source: ``fill-en``
copies every untranslated msgid into its msgstr. ``missing`` lists what a catalog lacks.
``apply-pending`` writes the Chinese translations kept in ``lms/translations/pending/*.json``
(``{"msgid": "译文"}``) into the zh_Hans catalog: work on parallel branches records its new
strings there, so merging branches never fights over the catalog itself.
"""

from __future__ import annotations

import json
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


def apply_pending() -> None:
    pending: dict[str, str] = {}
    for path in sorted((TRANSLATIONS / "pending").glob("*.json")):
        pending.update(json.loads(path.read_text(encoding="utf-8")))
    catalog = load("zh_Hans")
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0] if message.id else ""
        if key in pending:
            message.string = (
                (pending[key],) if isinstance(message.id, tuple | list) else pending[key]
            )
            message.flags.discard("fuzzy")
    save(catalog, "zh_Hans")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "missing"
    if command == "fill-en":
        fill_english()
        return 0
    if command == "apply-pending":
        apply_pending()
        return 0
    status = 0
    for language in ("zh_Hans", "en"):
        for msgid in untranslated(load(language)):
            print(f"{language}: {msgid}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Both catalogs are complete, keep their placeholders, and are really served."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = {
    language: ROOT / "lms" / "translations" / language / "LC_MESSAGES" / "messages.po"
    for language in ("zh_Hans", "en")
}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """Every translatable string in the source, extracted afresh."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "--no-location", "--ignore-dirs", ".* __pycache__",
         "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        return {_key(message.id) for message in read_po(handle) if message.id}


def _key(message_id: str | tuple[str, ...]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _load(language: str):
    with CATALOGS[language].open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_catalog_translates_every_extracted_string(extracted: set[str], language: str) -> None:
    catalog = _load(language)
    translated = set()
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if all(strings) and not message.fuzzy:
            translated.add(_key(message.id))
    missing = sorted(extracted - translated)
    assert not missing, (
        f"{language} lacks translations (run `make extract-translations`): {missing}"
    )


@pytest.mark.parametrize("language", sorted(CATALOGS))
def test_translations_keep_placeholders(language: str) -> None:
    for message in _load(language):
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == set(PLACEHOLDER.findall(source)), (
                f"{language}: {message.id!r} -> {string!r}"
            )


def test_chinese_is_the_default_language(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in page
    assert "登录" in page
    assert "Remember me" not in page


@pytest.mark.parametrize("header", ["zh-CN,zh;q=0.9", "zh-Hans", "zh-TW", "zh"])
def test_any_chinese_browser_gets_the_chinese_catalog(client, header: str) -> None:
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert "记住我" in page


def test_english_browser_gets_english(client) -> None:
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="en"' in page
    assert "Remember me" in page


def test_the_users_choice_wins_over_the_browser(client, make_user, login_as) -> None:
    login_as(make_user(language="en"))
    page = client.get("/profile", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "My profile" in page
    login_as(make_user(language="zh_Hans"))
    page = client.get("/profile", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "个人资料" in page


def test_guest_can_switch_language_in_the_footer(client) -> None:
    response = client.post("/language", data={"language": "en", "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    assert "Remember me" in client.get("/login").get_data(as_text=True)


@pytest.mark.parametrize(
    ("context", "word", "chinese", "generic"),
    [
        ("person", "Name", "姓名", "名称"),  # a person's name, not a thing's
        ("attempt", "In progress", "作答中", "学习中"),  # answering a quiz, not studying a course
        ("award", "Completed", "完赛", "已完成"),  # a finisher's award
    ],
)
def test_words_with_two_meanings_read_right_in_chinese(
    app, context, word, chinese, generic
) -> None:
    from flask_babel import gettext, pgettext  # noqa: PLC0415

    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        assert (pgettext(context, word), gettext(word)) == (chinese, generic)

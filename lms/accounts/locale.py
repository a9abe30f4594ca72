"""Which language a page is served in: the user's choice, then the browser's, then zh-Hans."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def language_from_header(header_languages: list[tuple[str, float]]) -> str | None:
    """Map Accept-Language entries (best first) to a supported catalog.

    Any Chinese variant (zh, zh-CN, zh-Hans, zh-TW) is served in zh_Hans, the only Chinese
    catalog; browsers send ``zh-CN`` which Babel would otherwise not match to ``zh_Hans``.
    """
    for language, _quality in sorted(header_languages, key=lambda item: -item[1]):
        primary = language.replace("_", "-").split("-")[0].lower()
        if primary == "zh":
            return "zh_Hans"
        if primary == "en":
            return "en"
    return None


def select_locale() -> str:
    default = current_app.config["DEFAULT_LANGUAGE"]
    if not has_request_context():
        return default
    if current_user and current_user.is_authenticated and current_user.language:
        return current_user.language
    chosen = session.get("language")
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return language_from_header(list(request.accept_languages)) or default

"""Files embedded in an imported question (Moodle XML's ``<file encoding="base64">``).

While a file is only checked, its files wait in memory beside the parsed question and each
``@@PLUGINFILE@@/…`` link becomes a placeholder; the import stores them as uploads (once per
identical file) and points the placeholders at the stored copies. A preview stores nothing.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element

from flask_babel import gettext as _

from lms.accounts.models import User
from lms.core.errors import DomainError, ValidationError
from lms.core.uploads import check_file, purpose_of, save_upload
from question_bank.services.questions import QuestionContent

LINK = re.compile(r"@@PLUGINFILE@@(/[^\"'<>\s)]*)")
PLACEHOLDER = re.compile(r"@@FILE:(\d+)@@")
IMAGE = re.compile(r"<img\b[^>]*?@@FILE:(\d+)@@[^>]*>", re.IGNORECASE)
MEDIA = re.compile(r"<(audio|video)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
SOURCE = re.compile(r"""\bsrc\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass
class EmbeddedFile:
    name: str
    data: bytes
    purpose: str


@dataclass
class QuestionFiles:
    """The files of one question, found area by area (question text, each answer, feedback);
    a file is decoded and checked only when a text links to it."""

    files: list[EmbeddedFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    _by_area: dict[int, dict[str, Element]] = field(default_factory=dict)
    _by_path: dict[str, Element] = field(default_factory=dict)
    _loaded: dict[int, int | None] = field(default_factory=dict)

    @classmethod
    def of(cls, question: Element) -> QuestionFiles:
        found = cls()
        for area in question.iter():
            for file in area.findall("file"):
                path = (file.get("path") or "/").strip("/")
                name = file.get("name", "")
                full = f"{path}/{name}" if path else name
                found._by_area.setdefault(id(area), {})[full] = file
                found._by_path.setdefault(full, file)
        return found

    def _load(self, file: Element) -> int | None:
        """The index of the file once decoded and checked; None (and a problem) if refused."""
        if id(file) in self._loaded:
            return self._loaded[id(file)]
        name = file.get("name", "")
        purpose = purpose_of(name)
        index = None
        try:
            if purpose is None:
                raise ValidationError(
                    _("the embedded file “%(name)s” is not a kind stored here", name=name)
                )
            data = base64.b64decode("".join((file.text or "").split()), validate=True)
            check_file(data, name, purpose)
            self.files.append(EmbeddedFile(name, data, purpose))
            index = len(self.files) - 1
        except binascii.Error:
            self.problems.append(_("the embedded file “%(name)s” is not valid base64", name=name))
        except DomainError as error:
            self.problems.append(error.message if purpose is None else f"“{name}”: {error.message}")
        self._loaded[id(file)] = index
        return index

    def linked(self, area: Element | None, text: str) -> str:
        """The area's text with each link to an embedded file as a placeholder for it."""
        if "@@PLUGINFILE@@" not in text:
            return text
        own = self._by_area.get(id(area), {}) if area is not None else {}

        def replace(match: re.Match[str]) -> str:
            full = unquote(html.unescape(match.group(1))).strip("/")
            file = own.get(full, self._by_path.get(full))
            if file is None:
                self.missing.append(full)
                return match.group(0)
            index = self._load(file)
            return match.group(0) if index is None else f"@@FILE:{index}@@"

        return MEDIA.sub(_media_link, LINK.sub(replace, text))


def _media_link(match: re.Match[str]) -> str:
    """An ``<audio>`` or ``<video>`` player as a link to its file (the sanitiser keeps links)."""
    source = SOURCE.search(match.group(0))
    if source is None:
        return ""
    return f'<a href="{source.group(1)}">{_("Play the recording")}</a>'


def store(
    content: QuestionContent, files: list[EmbeddedFile], by: User | None, cache: dict[str, str]
) -> QuestionContent:
    """Store the question's files (once per identical file in an import) and point its
    placeholders at them."""
    if not files:
        return content

    def url(index: int) -> str:
        file = files[index]
        key = hashlib.sha256(file.data).hexdigest() + "/" + file.name
        if key not in cache:
            upload = save_upload(
                io.BytesIO(file.data),
                file.name,
                file.purpose,
                by.id if by else None,
                scope="question",
            )
            cache[key] = f"/files/{upload.token}/{upload.filename}"
        return cache[key]

    return _map_texts(content, lambda text: PLACEHOLDER.sub(lambda m: url(int(m.group(1))), text))


def shown(content: QuestionContent, files: list[EmbeddedFile]) -> QuestionContent:
    """The content for a preview, before anything is stored: each embedded image as its name
    in brackets, each other link to a file going nowhere."""
    if not files:
        return content

    def name(match: re.Match[str]) -> str:
        return f"<a>〔{files[int(match.group(1))].name}〕</a>"  # a link to nowhere: loads nothing

    return _map_texts(content, lambda text: PLACEHOLDER.sub("#", IMAGE.sub(name, text)))


def _map_texts(content: QuestionContent, change: Callable[[str], str]) -> QuestionContent:
    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return change(value) if "@@FILE:" in value else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    return dataclasses.replace(
        content,
        stem_md=walk(content.stem_md),
        explanation_md=walk(content.explanation_md),
        definition=walk(content.definition),
    )

"""What each platform's group robot expects: the address, the message, the signature, the answer.

- WeCom (企业微信): ``POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY`` with
  ``{"msgtype": "markdown", "markdown": {"content": ...}}`` (at most 4096 bytes); the key in
  the address is the only credential. Answer ``{"errcode": 0, "errmsg": "ok"}``.
- DingTalk (钉钉): ``POST https://oapi.dingtalk.com/robot/send?access_token=TOKEN`` with
  ``{"msgtype": "markdown", "markdown": {"title", "text"}}``. With a signing secret, the
  address also carries ``timestamp`` (milliseconds) and ``sign``: Base64 of HMAC-SHA256 keyed
  by the secret over ``"<timestamp>\\n<secret>"``. Same answer as WeCom.
- Feishu (飞书): ``POST https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN`` with a rich-text
  ``post`` message; with a signing secret the body also carries ``timestamp`` (seconds) and
  ``sign``: Base64 of HMAC-SHA256 keyed by ``"<timestamp>\\n<secret>"`` over nothing. Answer
  ``{"code": 0, "msg": "success"}``. Requests are at most 20 KB.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import bleach
import markdown
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.core.errors import DomainError


class Provider(enum.StrEnum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    Provider.WECOM: _l("WeCom"),
    Provider.DINGTALK: _l("DingTalk"),
    Provider.FEISHU: _l("Feishu"),
}
PROVIDER_VALUES = tuple(provider.value for provider in Provider)
# The official addresses' hosts: the allow-list an admin starts from.
OFFICIAL_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn")
EXAMPLES = {
    Provider.WECOM: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    Provider.DINGTALK: "https://oapi.dingtalk.com/robot/send?access_token=…",
    Provider.FEISHU: "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}
WECOM_LIMIT_BYTES = 4096
BODY_LIMIT_BYTES = 18_000  # DingTalk and Feishu take about 20 KB a request, JSON included
# Answers that mean "too many messages, try later" (the rest of the errors will not go away).
RATE_LIMITED = {
    Provider.WECOM: {45009, -1},
    Provider.DINGTALK: {130101, -1},
    Provider.FEISHU: {11232, 9499},
}
_TAG = re.compile(r"</?[A-Za-z!][^>]*>")
_FEISHU_PATH = re.compile(r"^/open-apis/bot/v2/hook/[A-Za-z0-9_.~-]+$")


class RobotError(DomainError):
    """A robot did not take a message. ``message`` is translated; ``retryable`` says whether
    sending it again later may work (the network, a rate limit) or not (a wrong address)."""

    code = "robot_failed"
    status = 502

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class RobotMessage:
    """What to post: a title, a Markdown body and an optional link to the page it is about."""

    title: str
    body_md: str
    url: str | None = None
    link_text: str = ""


@dataclass(frozen=True)
class SignedRequest:
    url: str
    body: bytes


def address_problem(provider: Provider, url: str) -> str | None:
    """Why ``url`` is not a ``provider`` robot's address (its path and token), or None."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    if provider is Provider.WECOM:
        fits = parts.path == "/cgi-bin/webhook/send" and bool(query.get("key", [""])[0])
    elif provider is Provider.DINGTALK:
        fits = parts.path == "/robot/send" and bool(query.get("access_token", [""])[0])
    else:
        fits = bool(_FEISHU_PATH.match(parts.path)) and not parts.query
    if fits:
        return None
    return _(
        "This is not the address of a %(provider)s group robot; it looks like %(example)s",
        provider=provider.label,
        example=EXAMPLES[provider],
    )


def _hide(secret: str) -> str:
    return secret[:4] + "…" + secret[-2:] if len(secret) > 8 else "…"


def masked_address(url: str) -> str:
    """``url`` with its token (a query value, or Feishu's last path segment) mostly hidden."""
    parts = urlsplit(url)
    path = parts.path
    if _FEISHU_PATH.match(path):
        head, _slash, token = path.rpartition("/")
        path = f"{head}/{_hide(token)}"
    query = "&".join(
        f"{name}={_hide(value)}"
        for name, values in parse_qs(parts.query).items()
        for value in values
    )
    return f"{parts.scheme}://{parts.netloc}{path}" + (f"?{query}" if query else "")


def _sign(key: str, message: str) -> str:
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _truncate(text: str, limit: int) -> str:
    encoded = text.encode()
    if len(encoded) <= limit:
        return text
    return encoded[: limit - 3].decode(errors="ignore") + "…"


def _markdown(message: RobotMessage, limit: int) -> str:
    """The message as the Markdown WeCom and DingTalk show (raw HTML tags left out)."""
    link = f"\n\n[{message.link_text}]({message.url})" if message.url else ""
    head = f"### {message.title}\n\n"
    body = _TAG.sub("", message.body_md).strip()
    return head + _truncate(body, limit - len(head.encode()) - len(link.encode())) + link


def plain_lines(body_md: str) -> list[str]:
    """The text of Markdown, one entry a non-empty line (for Feishu's rich text)."""
    rendered = markdown.markdown(body_md, extensions=["sane_lists"])
    text = html.unescape(bleach.clean(rendered, tags=set(), strip=True))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _feishu_post(message: RobotMessage, language: str) -> dict[str, Any]:
    lines = plain_lines(_truncate(message.body_md, BODY_LIMIT_BYTES))
    content: list[list[dict[str, str]]] = [[{"tag": "text", "text": line}] for line in lines]
    if message.url:
        content.append([{"tag": "a", "text": message.link_text, "href": message.url}])
    key = "zh_cn" if language.startswith("zh") else "en_us"
    return {"post": {key: {"title": message.title, "content": content}}}


def build_request(
    provider: Provider,
    url: str,
    secret: str | None,
    message: RobotMessage,
    *,
    now: datetime,
    language: str,
) -> SignedRequest:
    """The address and JSON body to POST for ``message``, signed at ``now`` when there is a
    secret."""
    body: dict[str, Any]
    if provider is Provider.WECOM:
        content = _markdown(message, WECOM_LIMIT_BYTES)
        body = {"msgtype": "markdown", "markdown": {"content": content}}
    elif provider is Provider.DINGTALK:
        text = _markdown(message, BODY_LIMIT_BYTES)
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
        if secret:
            stamp = str(int(now.timestamp() * 1000))
            url += "&" + urlencode(
                {"timestamp": stamp, "sign": _sign(secret, f"{stamp}\n{secret}")}
            )
    else:
        body = {"msg_type": "post", "content": _feishu_post(message, language)}
        if secret:
            stamp = str(int(now.timestamp()))
            body = {"timestamp": stamp, "sign": _sign(f"{stamp}\n{secret}", ""), **body}
    return SignedRequest(url=url, body=json.dumps(body, ensure_ascii=False).encode())


def check_answer(provider: Provider, status: int, payload: bytes) -> None:
    """Raise :class:`RobotError` unless the robot's answer says the message was taken."""
    if status == 429 or status >= 500:
        raise RobotError(
            _(
                "The robot's server answered HTTP %(status)d; it will be tried again.",
                status=status,
            ),
            retryable=True,
        )
    try:
        answer = json.loads(payload)
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise RobotError(
            _(
                "HTTP %(status)d, and the answer is not a %(provider)s robot's.",
                status=status,
                provider=provider.label,
            ),
            retryable=False,
        )
    if provider is Provider.FEISHU:
        code = answer.get("code", answer.get("StatusCode"))
        text = answer.get("msg", answer.get("StatusMessage"))
    else:
        code, text = answer.get("errcode"), answer.get("errmsg")
    if code == 0 and status == 200:
        return
    raise RobotError(
        _(
            "%(provider)s refused the message: %(code)s %(text)s",
            provider=provider.label,
            code=code if code is not None else status,
            text=text or "",
        ),
        retryable=code in RATE_LIMITED[provider],
    )

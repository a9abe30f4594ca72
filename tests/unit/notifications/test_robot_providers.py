"""The platforms' message formats, signatures and answers, without a network."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.notifications.robots.providers import (
    Provider,
    RobotError,
    RobotMessage,
    address_problem,
    build_request,
    check_answer,
    masked_address,
    plain_lines,
)

NOW = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
MESSAGE = RobotMessage(
    title="比赛开始",
    body_md="**知识竞赛** 今天开始。\n\n- 第一轮\n- 第二轮 <script>x</script>",
    url="https://lms.example.cn/competitions/3",
    link_text="查看",
)
WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=abc123"
FEISHU = "https://open.feishu.cn/open-apis/bot/v2/hook/2d58268f-11a6"


def _hmac(key: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


def _build(provider: Provider, url: str, secret: str | None = None, **kwargs):
    return build_request(provider, url, secret, MESSAGE, now=NOW, language="zh_Hans", **kwargs)


def test_wecom_markdown_with_the_key_in_the_address(app):
    with app.test_request_context():
        request = _build(Provider.WECOM, WECOM)
    assert request.url == WECOM
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    content = body["markdown"]["content"]
    assert content.startswith("### 比赛开始\n\n**知识竞赛** 今天开始。")
    assert content.endswith("[查看](https://lms.example.cn/competitions/3)")
    assert "<script>" not in content


def test_wecom_content_fits_4096_bytes(app):
    long = RobotMessage(title="T", body_md="长" * 5000, url="https://x.cn/1", link_text="查看")
    body = json.loads(build_request(Provider.WECOM, WECOM, None, long, now=NOW, language="zh").body)
    content = body["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith("…\n\n[查看](https://x.cn/1)")


def test_dingtalk_signs_the_address_with_millisecond_timestamp():
    request = _build(Provider.DINGTALK, DINGTALK, "SECsecret")
    query = {name: values[0] for name, values in parse_qs(urlsplit(request.url).query).items()}
    stamp = str(int(NOW.timestamp() * 1000))
    assert query == {
        "access_token": "abc123",
        "timestamp": stamp,
        "sign": _hmac("SECsecret", f"{stamp}\nSECsecret"),
    }
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "比赛开始"
    assert "**知识竞赛**" in body["markdown"]["text"]


def test_dingtalk_without_a_secret_leaves_the_address_alone():
    assert _build(Provider.DINGTALK, DINGTALK).url == DINGTALK


def test_feishu_post_signed_in_the_body_with_second_timestamp():
    body = json.loads(_build(Provider.FEISHU, FEISHU, "fs-secret").body)
    stamp = str(int(NOW.timestamp()))
    assert body["timestamp"] == stamp
    assert body["sign"] == _hmac(f"{stamp}\nfs-secret", "")
    assert body["msg_type"] == "post"
    post = body["content"]["post"]["zh_cn"]
    assert post["title"] == "比赛开始"
    assert post["content"] == [
        [{"tag": "text", "text": "知识竞赛 今天开始。"}],
        [{"tag": "text", "text": "第一轮"}],
        [{"tag": "text", "text": "第二轮 x"}],
        [{"tag": "a", "text": "查看", "href": "https://lms.example.cn/competitions/3"}],
    ]
    english = build_request(Provider.FEISHU, FEISHU, None, MESSAGE, now=NOW, language="en")
    assert "en_us" in json.loads(english.body)["content"]["post"]
    assert "sign" not in json.loads(english.body)


def test_plain_lines_unescape_entities():
    assert plain_lines("A &amp; B < C\n\n`code`") == ["A & B < C", "code"]


@pytest.mark.parametrize(
    ("provider", "url", "fits"),
    [
        (Provider.WECOM, WECOM, True),
        (Provider.WECOM, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send", False),
        (Provider.WECOM, DINGTALK, False),
        (Provider.DINGTALK, DINGTALK, True),
        (Provider.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=", False),
        (Provider.FEISHU, FEISHU, True),
        (Provider.FEISHU, FEISHU + "?x=1", False),
        (Provider.FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/", False),
    ],
)
def test_addresses_must_fit_their_platform(app, provider, url, fits):
    with app.test_request_context():
        assert (address_problem(provider, url) is None) is fits


def test_masked_addresses_hide_the_tokens():
    assert masked_address(WECOM) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a…aa"
    assert masked_address(DINGTALK) == "https://oapi.dingtalk.com/robot/send?access_token=…"
    assert masked_address(FEISHU) == "https://open.feishu.cn/open-apis/bot/v2/hook/2d58…a6"


@pytest.mark.parametrize(
    ("provider", "status", "answer", "retryable"),
    [
        (Provider.WECOM, 200, {"errcode": 93000, "errmsg": "invalid webhook url"}, False),
        (Provider.WECOM, 200, {"errcode": 45009, "errmsg": "api freq out of limit"}, True),
        (Provider.DINGTALK, 200, {"errcode": 310000, "errmsg": "sign not match"}, False),
        (Provider.DINGTALK, 200, {"errcode": 130101, "errmsg": "send too fast"}, True),
        (Provider.FEISHU, 200, {"code": 19021, "msg": "sign match fail"}, False),
        (Provider.FEISHU, 200, {"code": 11232, "msg": "frequency limited"}, True),
        (Provider.FEISHU, 502, {}, True),
        (Provider.WECOM, 429, {}, True),
    ],
)
def test_refusals_say_why_and_whether_to_retry(app, provider, status, answer, retryable):
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(RobotError) as caught,
    ):
        check_answer(provider, status, json.dumps(answer).encode())
    assert caught.value.retryable is retryable
    if status == 200:
        assert str(answer.get("errcode", answer.get("code"))) in caught.value.message


def test_success_answers_and_a_foreign_answer(app):
    check_answer(Provider.WECOM, 200, b'{"errcode": 0, "errmsg": "ok"}')
    check_answer(Provider.FEISHU, 200, b'{"code": 0, "data": {}, "msg": "success"}')
    check_answer(Provider.FEISHU, 200, b'{"StatusCode": 0, "StatusMessage": "success"}')
    with app.test_request_context(), pytest.raises(RobotError) as caught:
        check_answer(Provider.DINGTALK, 200, b"<html>portal login</html>")
    assert caught.value.retryable is False

"""Robots' addresses, allowed hosts and real posts to a local HTTPS receiver."""

from __future__ import annotations

import socket

import pytest

from lms.accounts.services import org_units
from lms.core.errors import ConflictError, ValidationError
from lms.notifications.robots import services
from lms.notifications.robots.providers import OFFICIAL_HOSTS, Provider, RobotError, RobotMessage
from tests.factories import OrgUnitFactory

MESSAGE = RobotMessage(
    title="公告", body_md="明天 **9:00** 开会", url="https://lms.cn/a/1", link_text="查看"
)


@pytest.fixture
def unit(db):
    unit = OrgUnitFactory(name="一支部")
    db.session.commit()
    return unit


def _add(unit, receiver, provider="dingtalk", chat="t1", secret=None, kinds=services.ROBOT_KINDS):
    return services.add_webhook(
        unit,
        provider=Provider(provider),
        name=f"{provider} 群",
        url=receiver.url(provider, chat),
        secret=secret,
        kinds=kinds,
        by=None,
    )


def test_official_hosts_until_an_admin_changes_them(db):
    assert services.allowed_hosts() == list(OFFICIAL_HOSTS)
    assert services.set_allowed_hosts(" OAPI.dingtalk.com,\n例子.中国  oapi.dingtalk.com ") == [
        "oapi.dingtalk.com",
        "xn--fsqu00a.xn--fiqs8s",
    ]
    idn = "https://例子.中国/open-apis/bot/v2/hook/abc"
    assert services.check_address(Provider.FEISHU, idn) == idn
    for bad in ("https://oapi.dingtalk.com", "oapi.dingtalk.com/robot", "a_b.cn", "-x.cn"):
        with pytest.raises(ValidationError) as caught:
            services.set_allowed_hosts(bad)
        assert caught.value.field == "hosts"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://oapi.dingtalk.com/robot/send?access_token=x", "Only https"),
        ("https://evil.example.com/robot/send?access_token=x", "evil.example.com"),
        ("https://user:pw@oapi.dingtalk.com/robot/send?access_token=x", "not a web address"),
        ("https://oapi.dingtalk.com:99999/robot/send?access_token=x", "not a web address"),
        ("https://oapi.dingtalk.com/robot/other?access_token=x", "looks like"),
        ("javascript:alert(1)", "Only https"),
        ("https://oapi.dingtalk.com/robot/send?access_token=" + "x" * 1000, "too long"),
    ],
)
def test_addresses_refused(app, db, url, reason):
    with (
        app.test_request_context(headers={"Accept-Language": "en"}),
        pytest.raises(ValidationError) as caught,
    ):
        services.check_address(Provider.DINGTALK, url)
    assert reason in caught.value.message
    assert caught.value.field == "url"


def test_add_checks_name_secret_and_duplicates(app, db, unit, robot_receiver):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        webhook = _add(unit, robot_receiver, kinds=["results_published", "bogus"])
        assert webhook.kinds == ["results_published"]
        with pytest.raises(ConflictError):
            _add(unit, robot_receiver)
        with pytest.raises(ValidationError, match="no signing secret"):
            _add(unit, robot_receiver, provider="wecom", secret="x")
        with pytest.raises(ValidationError, match="name"):
            services.add_webhook(
                unit, provider=Provider.WECOM, name=" ", url="x", secret=None, kinds=[], by=None
            )
    assert services.webhooks_of(unit) == [webhook]


@pytest.mark.parametrize(
    ("provider", "secret"),
    [
        ("wecom", None),
        ("dingtalk", "SECabc"),
        ("dingtalk", None),
        ("feishu", "fs"),
        ("feishu", None),
    ],
)
def test_posts_signed_messages_the_receiver_accepts(
    app, db, unit, robot_receiver, provider, secret
):
    robot_receiver.secrets["t1"] = secret or ""
    with app.test_request_context():
        webhook = _add(unit, robot_receiver, provider, secret=secret)
        services.deliver(webhook, MESSAGE)
    assert webhook.last_error is None and webhook.last_sent_at is not None
    [got] = robot_receiver.received
    assert got.provider == provider
    assert "公告" in str(got.body)


@pytest.mark.parametrize("provider", ["dingtalk", "feishu"])
def test_a_wrong_secret_is_told_in_the_platforms_words(app, db, unit, robot_receiver, provider):
    robot_receiver.secrets["t1"] = "the right one"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        webhook = _add(unit, robot_receiver, provider, secret="a wrong one")
        with pytest.raises(RobotError) as caught:
            services.deliver(webhook, MESSAGE)
    assert "sign" in caught.value.message and "refused" in caught.value.message
    assert caught.value.retryable is False
    assert webhook.last_error == caught.value.message


def test_an_untrusted_certificate(app, db, unit, robot_receiver):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        webhook = _add(unit, robot_receiver)
        app.config["ROBOT_CA_FILE"] = None
        with pytest.raises(RobotError, match=r"certificate of 127\.0\.0\.1 could not be verified"):
            services.deliver(webhook, MESSAGE)
    assert robot_receiver.received == []


def test_no_answer_in_time(app, db, unit, robot_receiver, monkeypatch):
    monkeypatch.setitem(app.config, "ROBOT_TIMEOUT_SECONDS", 0.3)
    robot_receiver.delay_seconds = 1.0
    with app.test_request_context(headers={"Accept-Language": "en"}):
        webhook = _add(unit, robot_receiver)
        with pytest.raises(RobotError, match="did not answer within") as caught:
            services.deliver(webhook, MESSAGE)
    assert caught.value.retryable is True


def test_nobody_listening_and_redirects(app, db, unit, robot_receiver):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        webhook = _add(unit, robot_receiver)
        webhook.url = webhook.url.replace(f":{robot_receiver.port}/", f":{port}/")
        with pytest.raises(RobotError, match=r"Could not reach 127\.0\.0\.1") as caught:
            services.deliver(webhook, MESSAGE)
        assert caught.value.retryable is True
        webhook.url = robot_receiver.url("dingtalk", "t1")
        robot_receiver.answers["t1"] = [(302, {})]
        with pytest.raises(RobotError, match="redirect"):
            services.deliver(webhook, MESSAGE)


def test_a_host_withdrawn_after_the_robot_was_added(app, db, unit, robot_receiver):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        webhook = _add(unit, robot_receiver)
        services.set_allowed_hosts("oapi.dingtalk.com")
        with pytest.raises(RobotError, match="not one of the hosts") as caught:
            services.deliver(webhook, MESSAGE)
    assert caught.value.retryable is False
    assert robot_receiver.received == []


def test_deleting_a_unit_removes_its_robots(app, db, unit, robot_receiver):
    with app.test_request_context():
        _add(unit, robot_receiver)
        db.session.commit()
        org_units.delete_unit(unit)
        db.session.commit()
    assert services.all_webhooks() == []

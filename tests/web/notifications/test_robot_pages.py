"""The admin pages of units' group robots, through the test client and a local HTTPS receiver."""

from __future__ import annotations

from lms.core.settings import get_setting
from lms.notifications.kinds import Kind
from lms.notifications.robots import services
from lms.notifications.robots.models import RobotWebhook
from lms.notifications.robots.providers import Provider
from lms.notifications.sender import send_due
from lms.notifications.services import notify
from tests.factories import OrgUnitFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _robots(db) -> list[RobotWebhook]:
    db.session.expire_all()
    return list(services.all_webhooks())


def test_add_test_and_remove_a_signed_robot(client, db, admin, login_as, robot_receiver):
    login_as(admin)
    unit = OrgUnitFactory(name="二支部")
    db.session.commit()
    page = f"/admin/units/{unit.id}/robots"
    robot_receiver.secrets["tok"] = "SECright"
    data = {
        "name": "支部群",
        "provider": "dingtalk",
        "url": robot_receiver.url("dingtalk", "tok"),
        "secret": "SECright",
        "competition_opening": False,
    }
    assert submit_form(client, page, data).status_code == 302
    [robot] = _robots(db)
    assert (robot.unit_id, robot.provider, robot.secret) == (unit.id, "dingtalk", "SECright")
    assert robot.kinds == ["announcement", "results_published"]

    listing = client.get(page, headers=EN).get_data(as_text=True)
    assert "SECright" not in listing and "tok" not in listing.split("access_token=")[1][:6]
    test_form = f"{page}/{robot.id}/test"
    answer = submit_form(client, page, form=test_form, headers=EN, follow_redirects=True)
    assert "The test message was posted" in answer.get_data(as_text=True)
    [got] = robot_receiver.received
    assert got.body["msgtype"] == "markdown"
    assert "二支部" in got.body["markdown"]["text"]
    assert _robots(db)[0].last_sent_at is not None

    robot_receiver.secrets["tok"] = "SECchanged-in-dingtalk"
    answer = submit_form(client, page, form=test_form, headers=EN, follow_redirects=True)
    html = answer.get_data(as_text=True)
    assert "The test message was not posted" in html and "310000 sign not match" in html
    assert "sign not match" in _robots(db)[0].last_error

    submit_form(client, page, form=f"{page}/{robot.id}/delete")
    assert _robots(db) == []


def test_bad_addresses_are_refused_next_to_the_field(client, db, admin, login_as):
    login_as(admin)
    unit = OrgUnitFactory()
    db.session.commit()
    page = f"/admin/units/{unit.id}/robots"
    dingtalk, wecom = (
        "/robot/send?access_token=x",
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",
    )
    cases = [
        ("dingtalk", "http://oapi.dingtalk.com" + dingtalk, "", "Only https"),
        ("dingtalk", "https://10.0.0.5" + dingtalk, "", "not one of the hosts"),
        ("feishu", "https://oapi.dingtalk.com" + dingtalk, "", "Feishu group robot"),
        ("wecom", wecom, "", "looks like"),
        ("wecom", wecom + "?key=k", "s", "no signing secret"),
    ]
    for provider, url, secret, message in cases:
        data = {"name": "群", "provider": provider, "url": url, "secret": secret}
        response = submit_form(client, page, data, headers=EN)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert "field-errors" in html and message in html, (url, message)
    assert _robots(db) == []


def test_allowed_hosts(client, db, admin, login_as):
    login_as(admin)
    page = client.get("/admin/robots/", headers=EN).get_data(as_text=True)
    assert "qyapi.weixin.qq.com\noapi.dingtalk.com\nopen.feishu.cn" in page
    bad = {"hosts": "oapi.dingtalk.com\nhttp://x"}
    response = submit_form(client, "/admin/robots/", bad, headers=EN)
    assert response.status_code == 200
    assert "is not a host name" in response.get_data(as_text=True)
    assert get_setting(services.ALLOWED_HOSTS_SETTING) is None
    submit_form(client, "/admin/robots/", {"hosts": "oapi.dingtalk.com robots.example.cn"})
    assert services.allowed_hosts() == ["oapi.dingtalk.com", "robots.example.cn"]


def test_a_robot_of_another_unit_is_not_found(client, db, admin, login_as, robot_receiver):
    login_as(admin)
    first, second = OrgUnitFactory(), OrgUnitFactory()
    db.session.commit()
    robot = services.add_webhook(
        first,
        provider=Provider.FEISHU,
        name="x",
        url=robot_receiver.url("feishu", "abc"),
        secret=None,
        kinds=[],
        by=admin,
    )
    db.session.commit()
    assert client.post(f"/admin/units/{second.id}/robots/{robot.id}/delete").status_code == 404
    assert client.post(f"/admin/units/{second.id}/robots/{robot.id}/test").status_code == 404
    assert robot_receiver.received == []
    assert len(_robots(db)) == 1


def test_recent_posts_show_the_outbox(client, db, admin, login_as, make_user, robot_receiver):
    login_as(admin)
    unit = OrgUnitFactory()
    member = make_user(username="m1", unit=unit)
    robot = services.add_webhook(
        unit,
        provider=Provider.WECOM,
        name="群",
        url=robot_receiver.url("wecom", "k"),
        secret=None,
        kinds=["announcement"],
        by=admin,
    )
    robot_receiver.answers["k"] = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    notify([member.id], Kind.ANNOUNCEMENT, key="a:1", url=None, message=lambda: ("停电通知", ""))
    db.session.commit()
    send_due()

    html = client.get(f"/admin/units/{unit.id}/robots", headers=EN).get_data(as_text=True)
    posts = html.split('data-testid="robot-posts"')[1]
    assert "停电通知" in posts and "Failed" in posts and "93000 invalid webhook url" in posts
    assert robot.name in posts

"""Who may subscribe to a live session's push channels (kind ``live``): ``live-<id>`` its host,
its players and the big screen by token; ``live-<id>-p<k>`` the players of bucket k and the
host; ``live-<id>-screen`` only the host and the screen."""

from __future__ import annotations

from flask import g
from flask_login import login_user

from live.services import joining
from live.services.messages import PLAYER_BUCKETS, player_channel
from live.viewer import guest_cookie_name
from lms.core import push
from tests.factories import UserFactory
from tests.unit.live.stage_helpers import make_stage


def _may(app, channel, user=None, **request):
    with app.test_request_context(**request):
        g.pop("_login_user", None)  # ``g`` is the test's app context's: no user from before
        if user is not None:
            login_user(user)
        return push.may_subscribe(channel)


def test_live_channels_admit_the_host_players_and_the_screen(app, db, make_session_for_channels):
    session, host, player, guest = make_session_for_channels
    stranger = UserFactory(username="stranger")
    db.session.commit()
    main, screen = f"live-{session.id}", f"live-{session.id}-screen"
    assert _may(app, main, host) and _may(app, screen, host)
    assert _may(app, main, player) and not _may(app, screen, player)
    cookie = {"headers": {"Cookie": f"{guest_cookie_name(session.id)}={guest.guest_key}"}}
    assert _may(app, main, **cookie) and not _may(app, screen, **cookie)
    token = session.screen_token
    assert _may(app, screen, query_string={"token": token})
    assert _may(app, main, headers={"X-Original-URI": f"/push/sub/{main}?token={token}"})
    assert not _may(app, main, stranger)
    assert not _may(app, main, query_string={"token": "wrong"})
    assert not _may(app, "live-999999", host)
    assert not _may(app, f"live-{session.id}-other", host)
    assert not _may(app, "live-99999999999999", host)


def test_nchans_question_reaches_the_live_channels(client, db, make_session_for_channels):
    session, _host, _player, _guest = make_session_for_channels
    prefix = f"/push/sub/live-{session.id}"
    asked = {"X-Original-URI": f"{prefix}-screen?token={session.screen_token}"}
    assert client.get("/push/auth", headers=asked).status_code == 200
    assert client.get("/push/auth", headers={"X-Original-URI": prefix}).status_code == 403


def test_a_phones_bucket_admits_its_own_players_and_the_host(app, db, make_session_for_channels):
    session, host, member, guest = make_session_for_channels
    db.session.commit()
    player = joining.player_of(session, member)
    own, other = player_channel(session, player.id), player_channel(session, player.id + 1)
    assert _may(app, own, member) and not _may(app, other, member)
    assert _may(app, own, host) and _may(app, other, host)
    cookie = {"headers": {"Cookie": f"{guest_cookie_name(session.id)}={guest.guest_key}"}}
    assert _may(app, player_channel(session, guest.id), **cookie)
    assert not _may(app, player_channel(session, guest.id + 1), **cookie)
    assert not _may(app, own, query_string={"token": session.screen_token})
    assert not _may(app, f"live-{session.id}-p1000", host)
    assert PLAYER_BUCKETS < 1000


def test_a_stage_sessions_judges_listen_on_its_channel(app, db):
    """The judge's console follows the session through the push tier, as the host's does."""
    s = make_stage(db, judge_count=1)
    stranger = UserFactory(username="stranger")
    db.session.commit()
    main = f"live-{s.session.id}"
    assert _may(app, main, s.head)
    assert not _may(app, f"{main}-screen", s.head)
    assert not _may(app, main, stranger)

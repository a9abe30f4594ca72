"""Nchan's question before a browser subscribes to a channel: may this session listen?

nginx's ``nchan_authorize_request`` sends a subrequest here with the subscriber's cookies and
the subscription's path in ``X-Original-URI`` (``/push/sub/<channel>``); a 200 lets the browser
listen, a 403 refuses it (a 400: the request was not about a subscription). The owners of each
channel kind decide through :func:`lms.core.push.may_subscribe`, with the session's user as
``current_user``. Public: an anonymous session may still hold a big screen's secret link.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from flask import Blueprint, Response, current_app, request

from lms.accounts import permissions
from lms.core import push

bp = Blueprint("push", __name__)


@bp.route("/push/auth")
@permissions.public
def authorise() -> Response:
    prefix = current_app.config["PUSH_SUBSCRIBE_PATH"].rstrip("/") + "/"
    path = unquote(urlsplit(request.headers.get("X-Original-URI", "")).path)
    if not path.startswith(prefix) or len(path) == len(prefix):
        status = 400  # not Nchan asking about a subscription
    else:
        status = 200 if push.may_subscribe(path[len(prefix) :]) else 403
    response = Response(status=status)
    response.cache_control.no_store = True
    return response

"""The live API's blueprint and the names its modules share."""

from flask import Blueprint

bp = Blueprint("live_api", __name__)
TAGS = ("live",)
GUEST_HEADER = "X-Live-Guest"
GUEST_COOKIE_SECONDS = 2 * 24 * 3600
VOLATILE = ("server_time",)

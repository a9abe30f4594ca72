"""A small OpenID Connect provider for the tests, on a free port of 127.0.0.1.

It offers discovery, an authorization page (a person picks who they are and presses "Sign
in"), a token endpoint that checks the client secret and the PKCE verifier (S256 only), the
JWKS, and userinfo. ID tokens are signed with RS256. ``provider.people`` holds the claims.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask, abort, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from markupsafe import escape
from werkzeug.serving import WSGIRequestHandler, make_server

CLIENT_ID = "lms-test"
CLIENT_SECRET = "lms-test-secret"
PEOPLE = {
    "li.na": {"sub": "sub-li-na", "preferred_username": "li.na", "name": "李娜",
              "department": "SALES", "groups": ["staff", "lms-organizers"],
              "email": "li.na@example.org", "email_verified": True},
    "wang": {"sub": "sub-wang", "preferred_username": "wang", "name": "Wang Wei",
             "department": "ENG", "groups": ["staff"],
             "email": "wang@example.org", "email_verified": False},
}  # fmt: skip


@dataclass
class Provider:
    issuer: str = ""
    key: RSAKey = field(
        default_factory=lambda: RSAKey.generate_key(2048, private=True, auto_kid=True)
    )
    people: dict[str, dict[str, Any]] = field(default_factory=lambda: dict(PEOPLE))
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    challenges_seen: list[str] = field(default_factory=list)

    def id_token(self, claims: dict[str, Any], nonce: str) -> str:
        now = int(time.time())
        payload = {**claims, "iss": self.issuer, "aud": CLIENT_ID, "iat": now,
                   "exp": now + 300, "nonce": nonce}  # fmt: skip
        header = {"alg": "RS256", "kid": self.key.kid}
        return jwt.encode(header, payload, self.key)


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _client_authenticated() -> bool:
    auth = request.authorization
    if auth is not None:
        return (auth.username, auth.password) == (CLIENT_ID, CLIENT_SECRET)
    return (request.form.get("client_id"), request.form.get("client_secret")) == (
        CLIENT_ID, CLIENT_SECRET,
    )  # fmt: skip


def build_app(provider: Provider) -> Flask:
    app = Flask("oidc_provider")

    @app.get("/.well-known/openid-configuration")
    def discovery() -> Any:
        return jsonify(
            issuer=provider.issuer,
            authorization_endpoint=f"{provider.issuer}/authorize",
            token_endpoint=f"{provider.issuer}/token",
            jwks_uri=f"{provider.issuer}/jwks",
            userinfo_endpoint=f"{provider.issuer}/userinfo",
            response_types_supported=["code"],
            code_challenge_methods_supported=["S256"],
            id_token_signing_alg_values_supported=["RS256"],
        )

    @app.get("/favicon.ico")
    def favicon() -> Any:
        return "", 204

    @app.get("/jwks")
    def jwks() -> Any:
        return jsonify(keys=[provider.key.as_dict(private=False)])

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        query = request.args
        if query.get("client_id") != CLIENT_ID or query.get("code_challenge_method") != "S256":
            abort(400)
        if request.method == "GET":
            options = "".join(f"<option>{escape(name)}</option>" for name in provider.people)
            return (
                "<!doctype html><title>Test provider</title><h1>Test provider</h1>"
                '<form method="post"><label for="who">Who are you?</label>'
                f'<select id="who" name="username">{options}</select>'
                "<button>Sign in</button></form>"
            )
        code = secrets.token_urlsafe(16)
        provider.challenges_seen.append(query["code_challenge"])
        provider.codes[code] = {
            "username": request.form["username"], "challenge": query["code_challenge"],
            "nonce": query.get("nonce", ""), "redirect_uri": query["redirect_uri"],
        }  # fmt: skip
        target = query["redirect_uri"] + "?" + urlencode({"code": code, "state": query["state"]})
        return redirect(target)

    @app.post("/token")
    def token() -> Any:
        grant = provider.codes.pop(request.form.get("code", ""), None)
        if not _client_authenticated():
            return jsonify(error="invalid_client"), 401
        if grant is None or request.form.get("redirect_uri") != grant["redirect_uri"]:
            return jsonify(error="invalid_grant"), 400
        if _s256(request.form.get("code_verifier", "")) != grant["challenge"]:
            return jsonify(error="invalid_grant", error_description="PKCE verifier wrong"), 400
        claims = provider.people[grant["username"]]
        access = secrets.token_urlsafe(16)
        provider.tokens[access] = grant["username"]
        return jsonify(access_token=access, token_type="Bearer", expires_in=300,
                       id_token=provider.id_token(claims, grant["nonce"]))  # fmt: skip

    @app.get("/userinfo")
    def userinfo() -> Any:
        scheme, _sep, access = request.headers.get("Authorization", "").partition(" ")
        username = provider.tokens.get(access) if scheme == "Bearer" else None
        if username is None:
            abort(401)
        return jsonify(provider.people[username])

    return app


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        """The tests read no access log."""


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[Provider]:
    provider = Provider()
    server = make_server(
        "127.0.0.1", 0, build_app(provider), threaded=True, request_handler=QuietHandler
    )
    provider.issuer = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield provider
    server.shutdown()
    thread.join(timeout=5)

"""Signing in with OpenID Connect (Authlib's OAuth 2 client, joserfc for the ID token).

The provider is found by discovery (``<issuer>/.well-known/openid-configuration``); the code
flow carries a state, a nonce and a PKCE code verifier (S256), which the view keeps in the
session between :func:`start` and :func:`finish`. The ID token's signature (the provider's
JWKS), issuer, audience, expiry and nonce are checked; claims map to username, name, role and
unit as the settings say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lms.accounts.models import AuthSource, User
from lms.accounts.services import directory_users
from lms.accounts.services.directory_users import DirectoryError, DirectoryPerson
from lms.accounts.services.login_methods import (
    OidcSettings,
    highest_role,
    login_methods,
    mapped_unit,
    oidc_settings,
    parse_rules,
)
from lms.core.errors import PermissionDeniedError

DISCOVERY_PATH = "/.well-known/openid-configuration"
REQUIRED_METADATA = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
ID_TOKEN_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")


@dataclass(frozen=True)
class Pending:
    """What the browser's session keeps between the redirect to the provider and its return."""

    state: str
    nonce: str
    code_verifier: str
    next_url: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier,
                "next_url": self.next_url}  # fmt: skip

    @classmethod
    def from_dict(cls, data: Any) -> Pending | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(**{key: str(data[key]) for key in ("state", "nonce", "code_verifier")},
                       next_url=str(data.get("next_url") or ""))  # fmt: skip
        except KeyError:
            return None


def button() -> str | None:
    """The label of the login page's provider button, or None when the site offers no OIDC."""
    if not login_methods().oidc:
        return None
    return oidc_settings().button_label or _("Sign in with your organisation's account")


def _get_json(url: str, settings: OidcSettings, what: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=settings.timeout_seconds)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise DirectoryError(
            _("Could not read the %(what)s at %(url)s: %(reason)s",
              what=what, url=url, reason=str(error)),
        ) from error  # fmt: skip
    if not isinstance(data, dict):
        raise DirectoryError(_("The %(what)s at %(url)s is not a JSON object.", what=what, url=url))
    return data


def discover(settings: OidcSettings) -> dict[str, Any]:
    """The provider's metadata; raises DirectoryError saying what is wrong."""
    issuer = settings.issuer.rstrip("/")
    metadata = _get_json(issuer + DISCOVERY_PATH, settings, _("discovery document"))
    missing = [name for name in REQUIRED_METADATA if not metadata.get(name)]
    if missing:
        raise DirectoryError(_("The discovery document lacks %(names)s.", names=", ".join(missing)))
    if str(metadata["issuer"]).rstrip("/") != issuer:
        raise DirectoryError(
            _("The provider calls itself %(found)s, not %(issuer)s.",
              found=metadata["issuer"], issuer=settings.issuer),
        )  # fmt: skip
    return metadata


def _client(settings: OidcSettings, redirect_uri: str) -> OAuth2Session:
    return OAuth2Session(
        settings.client_id,
        settings.client_secret or None,
        scope=settings.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic" if settings.client_secret else "none",
        default_timeout=settings.timeout_seconds,
    )


def start(redirect_uri: str, next_url: str = "") -> tuple[str, Pending]:
    """The provider's authorization address to send the browser to, and what to keep."""
    settings = oidc_settings()
    metadata = discover(settings)
    pending = Pending(state=generate_token(32), nonce=generate_token(32),
                      code_verifier=generate_token(64), next_url=next_url)  # fmt: skip
    url, _state = _client(settings, redirect_uri).create_authorization_url(
        metadata["authorization_endpoint"],
        state=pending.state,
        code_verifier=pending.code_verifier,
        nonce=pending.nonce,
    )
    return url, pending


def _id_claims(id_token: str, metadata: dict[str, Any], settings: OidcSettings,
               nonce: str) -> dict[str, Any]:  # fmt: skip
    key_set = _get_json(metadata["jwks_uri"], settings, _("key set"))
    try:
        keys = KeySet.import_key_set(key_set)  # type: ignore[arg-type]
        token = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        raise PermissionDeniedError(
            _("The provider's ID token is not valid: %(reason)s", reason=str(error))
        ) from error
    return dict(token.claims)


def _values(claims: dict[str, Any], name: str) -> list[str]:
    value = claims.get(name) if name else None
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def person_of(claims: dict[str, Any], settings: OidcSettings) -> DirectoryPerson:
    usernames = _values(claims, settings.username_claim)
    if not usernames:
        raise PermissionDeniedError(
            _("The provider did not send the claim “%(claim)s”.", claim=settings.username_claim)
        )
    names = _values(claims, settings.name_claim)
    return DirectoryPerson(
        source=AuthSource.OIDC,
        external_id=str(claims["sub"]),
        username=usernames[0],
        display_name=names[0] if names else usernames[0],
        role=highest_role(_values(claims, settings.role_claim),
                          parse_rules(settings.role_rules, field="oidc_role_rules")),
        unit_path=mapped_unit(_values(claims, settings.unit_claim),
                              parse_rules(settings.unit_rules, field="oidc_unit_rules")),
        default_unit=settings.default_unit,
        adopt_local=settings.adopt_local,
        email=_verified_email(claims),
    )  # fmt: skip


def _verified_email(claims: dict[str, Any]) -> str:
    """The ``email`` claim, unless the provider says it is not verified."""
    emails = _values(claims, "email")
    return emails[0] if emails and claims.get("email_verified") is not False else ""


def _userinfo(client: OAuth2Session, url: str, subject: str) -> dict[str, Any]:
    """More claims from the userinfo endpoint (the ID token's own win); {} if it fails."""
    try:
        info = client.get(url).json()
    except (OAuthError, requests.RequestException, ValueError):
        return {}
    return info if isinstance(info, dict) and info.get("sub") == subject else {}


def finish(redirect_uri: str, pending: Pending | None, params: dict[str, str]) -> User:
    """The account of the person the provider sent back; raises a DomainError otherwise."""
    if params.get("error"):
        raise PermissionDeniedError(
            _("The provider did not sign you in: %(reason)s",
              reason=params.get("error_description") or params["error"]),
        )  # fmt: skip
    if pending is None or not params.get("state") or params.get("state") != pending.state:
        raise PermissionDeniedError(_("This sign-in expired or was not started here. Try again."))
    if not login_methods().oidc:
        raise PermissionDeniedError(_("This site does not offer this sign-in now."))
    settings = oidc_settings()
    metadata = discover(settings)
    client = _client(settings, redirect_uri)
    try:
        token = client.fetch_token(
            metadata["token_endpoint"], code=params.get("code", ""),
            code_verifier=pending.code_verifier, grant_type="authorization_code",
        )  # fmt: skip
    except (OAuthError, requests.RequestException, ValueError) as error:
        raise DirectoryError(
            _("The provider refused the sign-in code: %(reason)s", reason=str(error))
        ) from error
    if not token.get("id_token"):
        raise DirectoryError(_("The provider sent no ID token."))
    claims = _id_claims(token["id_token"], metadata, settings, pending.nonce)
    if metadata.get("userinfo_endpoint"):
        claims = {**_userinfo(client, metadata["userinfo_endpoint"], claims["sub"]), **claims}
    return directory_users.sign_in(person_of(claims, settings))


def check_connection(settings: OidcSettings) -> str:
    """A sentence saying what works; raises DirectoryError saying what does not."""
    metadata = discover(settings)
    keys = _get_json(metadata["jwks_uri"], settings, _("key set")).get("keys") or []
    if not keys:
        raise DirectoryError(_("The provider's key set at %(url)s has no keys.",
                               url=metadata["jwks_uri"]))  # fmt: skip
    pkce = metadata.get("code_challenge_methods_supported")
    if pkce is not None and "S256" not in pkce:
        raise DirectoryError(_("The provider does not offer PKCE with S256."))
    return _(
        "The provider %(issuer)s answered: sign-in at %(url)s, %(count)d signing keys.",
        issuer=metadata["issuer"],
        url=metadata["authorization_endpoint"],
        count=len(keys),
    )

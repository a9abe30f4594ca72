"""Account services called directly, without a request (DESIGN.md: rules live in services)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lms.accounts.services import auth, tokens, users
from lms.core.errors import PermissionDeniedError, ValidationError
from tests.factories import PASSWORD, OrgUnitFactory, UserFactory


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_authenticate(db, clock):
    user = UserFactory(username="zhang")
    assert auth.authenticate("ZHANG ", PASSWORD) is user
    assert user.last_login_at == clock.now
    assert auth.authenticate("zhang", "wrong") is None
    assert auth.authenticate("nobody", PASSWORD) is None
    user.is_active = False
    assert auth.authenticate("zhang", PASSWORD) is None


def test_change_password_renews_the_session_nonce(db):
    user = UserFactory()
    nonce = user.session_nonce
    with pytest.raises(ValidationError, match="current password"):
        auth.change_password(user, current="wrong", new="new-password-1")
    assert user.session_nonce == nonce
    auth.change_password(user, current=PASSWORD, new="new-password-1")
    assert user.session_nonce != nonce
    assert auth.authenticate(user.username, "new-password-1") is user


def test_change_password_and_reset_revoke_api_tokens(db):
    user = UserFactory()
    issued = tokens.issue_api_token(user)
    auth.change_password(user, current=PASSWORD, new="new-password-1")
    assert tokens.user_for_api_token(issued.secret) is None
    again = tokens.issue_api_token(user)
    link = tokens.issue_reset_link(user, created_by=user)
    tokens.reset_password(link.secret, "new-password-2")
    assert tokens.user_for_api_token(again.secret) is None


def test_logging_out_renews_the_nonce_but_keeps_api_tokens(db):
    user = UserFactory()
    issued = tokens.issue_api_token(user)
    nonce = user.session_nonce
    auth.log_out(user)
    assert user.session_nonce != nonce
    assert tokens.user_for_api_token(issued.secret) is user


def test_registration_needs_the_switch_and_a_unit(db):
    with pytest.raises(PermissionDeniedError):
        auth.register(username="guest", display_name="G", password="guest-pass-1", language=None)
    with pytest.raises(ValidationError):
        auth.configure_registration(enabled=True, unit=None)
    unit = OrgUnitFactory(name="Newcomers")
    auth.configure_registration(enabled=True, unit=unit)
    user = auth.register(username="guest", display_name="G", password="guest-pass-1", language="en")
    assert (user.unit, user.role, user.language) == (unit, "member", "en")


def test_api_tokens_expire_and_revoke(db, clock, app):
    user = UserFactory()
    issued = tokens.issue_api_token(user)
    assert tokens.user_for_api_token(issued.secret) is user
    assert tokens.revoke_api_token(issued.secret)
    assert tokens.user_for_api_token(issued.secret) is None
    assert not tokens.revoke_api_token(issued.secret)
    second = tokens.issue_api_token(user)
    clock.advance(hours=app.config["API_TOKEN_TTL_HOURS"])
    assert tokens.user_for_api_token(second.secret) is None


def test_deactivation_revokes_tokens_and_sessions(db):
    admin = UserFactory(role="admin")
    user = UserFactory()
    issued = tokens.issue_api_token(user)
    nonce = user.session_nonce
    users.set_active(user, False, acting=admin)
    assert tokens.user_for_api_token(issued.secret) is None
    assert user.session_nonce != nonce
    with pytest.raises(ValidationError):
        users.set_active(admin, False, acting=admin)


def test_reset_link_is_single_use(db, clock):
    admin = UserFactory(role="admin")
    user = UserFactory()
    issued = tokens.issue_reset_link(user, created_by=admin)
    with pytest.raises(ValidationError, match="at least"):
        tokens.reset_password(issued.secret, "short")
    assert tokens.reset_password(issued.secret, "a-new-pass-1") is user
    with pytest.raises(ValidationError, match="not valid"):
        tokens.reset_password(issued.secret, "a-new-pass-2")


def test_secrets_are_stored_hashed(db):
    user = UserFactory()
    issued = tokens.issue_api_token(user)
    from lms.accounts.models import ApiToken  # noqa: PLC0415

    stored = db.session.query(ApiToken).one()
    assert stored.token_hash != issued.secret
    assert issued.secret not in stored.token_hash

"""Configuration: environment overrides, the production guard rails."""

from __future__ import annotations

import pytest

from lms.app import create_app
from lms.core.config import ConfigError


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("LMS_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(env):
    with pytest.raises(ConfigError, match="LMS_SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure(env):
    env.setenv("LMS_SECRET_KEY", "a-long-random-secret")
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_overrides_settings(env, tmp_path):
    env.setenv("LMS_USERS_PER_PAGE", "7")
    env.setenv("LMS_REDIS_URL", "redis://127.0.0.1:6390/3")
    app = create_app("development")
    assert app.config["USERS_PER_PAGE"] == 7
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.sqlite3"
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6390/3"


def test_default_database_is_sqlite_in_the_instance_folder(env, tmp_path):
    env.delenv("LMS_DATABASE_URL")
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/lms.sqlite3"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_real_password_hashing_is_scrypt(env):
    from lms.accounts.services.passwords import hash_password, verify_password  # noqa: PLC0415

    app = create_app("development")
    with app.app_context():
        hashed = hash_password("a-secret-pass")
        assert hashed.startswith("scrypt:")
        assert "a-secret-pass" not in hashed
        assert verify_password(hashed, "a-secret-pass")
        assert not verify_password(hashed, "another-pass")

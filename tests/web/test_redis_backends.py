"""With ``LMS_REDIS_URL`` set, rate limits live in Redis, shared by every worker process."""

from __future__ import annotations

import pytest
import redis

from lms.app import create_app
from tests.conftest import require_service
from tests.factories import PASSWORD, UserFactory
from tests.web.accounts.helpers import log_in_from

pytestmark = pytest.mark.redis
WRONG = "wrong-pass"


@pytest.fixture
def redis_url() -> str:
    return require_service("LMS_TEST_REDIS_URL", "the Redis tests")


@pytest.fixture
def redis_app(app, redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    other = create_app(
        "testing", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], REDIS_URL=redis_url
    )
    other.config["WTF_CSRF_ENABLED"] = False
    yield other
    client.flushdb()


def test_failed_logins_are_counted_in_redis(redis_app, db, redis_url):
    assert redis_app.config["RATELIMIT_STORAGE_URI"] == redis_url
    UserFactory(username="member1")
    db.session.commit()
    # Two clients stand for two gunicorn workers: the counter is shared through Redis.
    first, second = redis_app.test_client(), redis_app.test_client()
    for attempt in range(10):
        worker = first if attempt % 2 else second
        answer = worker.post("/login", data={"username": "member1", "password": "wrong-pass"})
        assert answer.status_code == 200
    refused = first.post("/login", data={"username": "member1", "password": PASSWORD})
    assert refused.status_code == 429
    keys = redis.Redis.from_url(redis_url).keys("*")
    assert any(b"login" in key for key in keys)


def test_redis_counts_per_account_and_per_address(redis_app, db):
    UserFactory(username="member1")
    UserFactory(username="colleague")
    db.session.commit()
    first, second = redis_app.test_client(), redis_app.test_client()
    for n in range(10):
        assert (
            log_in_from(first if n % 2 else second, f"10.0.0.{n}", "member1", WRONG).status_code
            == 200
        )
    assert log_in_from(first, "10.0.9.9", "member1", PASSWORD).status_code == 429
    assert (
        log_in_from(redis_app.test_client(), "10.0.0.1", "colleague", PASSWORD).status_code == 302
    )
    per_address = int(redis_app.config["LOGIN_RATE_LIMIT_ADDRESS"].split()[0])
    for n in range(per_address):
        log_in_from(first if n % 2 else second, "10.0.5.5", f"guess{n}", WRONG)
    assert log_in_from(first, "10.0.5.5", "colleague", PASSWORD).status_code == 429
    assert log_in_from(second, "10.0.5.6", "colleague", PASSWORD).status_code == 302
    assert not db.session.execute(db.text("SELECT count(*) FROM login_failures")).scalar()

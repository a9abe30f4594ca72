"""Configuration classes. Every setting can be overridden by an ``LMS_*`` environment variable.

``LMS_ENV`` picks the class (``development`` by default, ``production``, ``testing``);
``app.config.from_prefixed_env("LMS")`` then applies the environment, so ``LMS_SECRET_KEY``
sets ``SECRET_KEY`` and ``LMS_DATABASE_URL`` sets ``DATABASE_URL``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any


class ConfigError(RuntimeError):
    """The configuration cannot run the application."""


class Config:
    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    # None: an SQLite file ``lms.sqlite3`` under the instance folder.
    DATABASE_URL: str | None = None
    REDIS_URL: str | None = None
    # The push tier (nginx + Nchan, docs/operations.md): where the app POSTs a channel's
    # messages (None: no push tier, live pages poll) and where browsers subscribe.
    PUSH_PUBLISH_URL: str | None = None
    PUSH_SUBSCRIBE_PATH = "/push/sub"
    PUSH_COALESCE_SECONDS = 2.0  # a busy board is sent at most this often (as the 2 s poll)
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=7)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # The largest request; each kind of upload has its own, smaller limit below.
    MAX_CONTENT_LENGTH = 210 * 1024 * 1024
    # Where files live (lms.core.storage): "folder" (UPLOAD_FOLDER) or "s3" (a bucket of
    # S3-compatible object storage; credentials from the standard AWS variables or files).
    STORAGE_BACKEND = "folder"
    UPLOAD_FOLDER: str | None = None  # None: "uploads" in the instance folder
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None  # None: AWS itself
    S3_REGION: str | None = None
    S3_PREFIX = ""  # keys under this prefix in the bucket
    # With S3_ENDPOINT_URL: "path" (https://endpoint/bucket/key: MinIO, Ceph) or "virtual"
    # (https://bucket.endpoint/key: Aliyun OSS, Tencent COS).
    S3_ADDRESSING_STYLE = "path"
    # Above 0: files are handed out as signed bucket addresses valid this many seconds (after
    # the app's access check); 0: the app serves them itself.
    S3_SIGNED_URL_SECONDS = 0
    UPLOAD_IMAGE_MB = 5
    UPLOAD_ATTACHMENT_MB = 20
    UPLOAD_VIDEO_MB = 200
    # Lessons may embed videos from these hosts (https only); the page's CSP allows them in frames.
    VIDEO_EMBED_HOSTS = ("player.bilibili.com", "v.qq.com", "www.youtube-nocookie.com")

    DEFAULT_LANGUAGE = "zh_Hans"
    LANGUAGES = ("zh_Hans", "en")
    TIMEZONE = "Asia/Shanghai"

    # Failed logins (page and API together) per account, and per client address.
    LOGIN_RATE_LIMIT = "10 per minute"
    LOGIN_RATE_LIMIT_ADDRESS = "50 per minute"
    LIVE_PIN_RATE_LIMIT = "10 per minute"  # wrong live-session PINs per account
    LIVE_PIN_RATE_LIMIT_ADDRESS = "60 per minute"  # and per address
    RATELIMIT_ENABLED = True
    API_TOKEN_TTL_HOURS = 24 * 30
    # Seconds a worker remembers whom a bearer token belongs to (accounts.services.token_cache):
    # changes through the app apply at once (a version stamp); this bounds changes by hand. A
    # live round's phones answer every 10 to 30 s: at 5 s every answer loaded its token again.
    API_TOKEN_CACHE_SECONDS = 60
    # Seconds the leaderboard API may serve a worker's last-built public board while scores keep
    # changing (the viewer's own row is always live; live pages and big screens never wait).
    LEADERBOARD_API_MAX_AGE_SECONDS = 1.0
    PASSWORD_RESET_TTL_HOURS = 24
    # Minutes the generated passwords of a user import can be downloaded (once) as a file.
    PASSWORD_HANDOUT_MINUTES = 60
    PASSWORD_MIN_LENGTH = 8
    USERS_PER_PAGE = 25
    LESSON_MIN_READ_SECONDS = 30
    # Fonts embedded in certificates for characters beyond the shipped font (CJK Extension B and
    # later), tried in order and only when a name needs them: Debian's fonts-hanazono by default.
    CERTIFICATE_FALLBACK_FONTS = (
        "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
        "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    )
    # The site's public address (https://study.example.org), for links in emails.
    SITE_URL: str | None = None
    # Email notifications over SMTP (lms.notifications.email); no host: no email channel.
    SMTP_HOST: str | None = None
    SMTP_PORT = 587
    SMTP_SECURITY = "starttls"  # starttls, ssl (implicit TLS, port 465) or none
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_SENDER = "noreply@localhost"  # the From address: "Study Platform <noreply@example.org>"
    SMTP_TIMEOUT_SECONDS = 10
    # The sender gives a delivery up after this many failed attempts (backoff between them).
    NOTIFICATIONS_MAX_ATTEMPTS = 6
    NOTIFICATIONS_QUEUE = "notifications"  # the rq queue, when REDIS_URL is set
    # Group robots (WeCom, DingTalk, Feishu): seconds to wait for a robot's answer, and a CA
    # file to trust besides the system's (a company's own HTTPS gateway; tests).
    ROBOT_TIMEOUT_SECONDS = 10
    ROBOT_CA_FILE: str | None = None
    # Each request as one JSON line on stderr (with its request id); on in production.
    ACCESS_LOG = False
    # Who may read /metrics (Prometheus); everyone else gets a 404.
    METRICS_ALLOWED_NETWORKS = ("127.0.0.1/32", "::1/128")
    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = 0

    @classmethod
    def finalise(cls, config: dict[str, Any], instance_path: str) -> None:
        """Derive the settings of the extensions from ours, after the environment was read."""
        url = config.get("DATABASE_URL") or f"sqlite:///{instance_path}/lms.sqlite3"
        config["SQLALCHEMY_DATABASE_URI"] = url
        # No pre-ping per checkout: lms.core.db.ping_when_idle tests only idle connections.
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        config["BABEL_DEFAULT_LOCALE"] = config["DEFAULT_LANGUAGE"]
        config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
        networks = config["METRICS_ALLOWED_NETWORKS"]
        if isinstance(networks, str):  # LMS_METRICS_ALLOWED_NETWORKS="10.0.0.0/8,127.0.0.1"
            config["METRICS_ALLOWED_NETWORKS"] = tuple(n.strip() for n in networks.split(",") if n)
        backend = str(config.get("STORAGE_BACKEND") or "folder").lower()
        if backend not in ("folder", "s3"):
            raise ConfigError(f"LMS_STORAGE_BACKEND must be folder or s3, not {backend!r}.")
        if backend == "s3" and not config.get("S3_BUCKET"):
            raise ConfigError("LMS_S3_BUCKET must be set when LMS_STORAGE_BACKEND=s3.")
        if config.get("S3_ADDRESSING_STYLE") not in ("path", "virtual"):
            raise ConfigError("LMS_S3_ADDRESSING_STYLE must be path or virtual.")
        redis_url = config.get("REDIS_URL")
        config["RATELIMIT_STORAGE_URI"] = redis_url or "memory://"
        config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
        # "Within a minute" means the last 60 seconds, not the current clock minute.
        config.setdefault("RATELIMIT_STRATEGY", "moving-window")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SECRET_KEY = "development-only-not-secret"  # noqa: S105


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"  # noqa: S105
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - fast hashing for the suite
    LEADERBOARD_API_MAX_AGE_SECONDS = 0.0  # tests read a board right after changing it


class ProductionConfig(Config):
    ENV_NAME = "production"
    ACCESS_LOG = True
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def finalise(cls, config: dict[str, Any], instance_path: str) -> None:
        if not config.get("SECRET_KEY"):
            raise ConfigError("LMS_SECRET_KEY must be set in production (LMS_ENV=production).")
        super().finalise(config, instance_path)


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}

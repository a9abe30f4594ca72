"""The application factory: the one module that knows every package."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from competitions import api as competitions_api
from competitions import certificate_views
from competitions import live_views as competition_live_views
from competitions import manage_views as competition_manage_views
from competitions import models as competition_models
from competitions import results_views as competition_results_views
from competitions import views as competition_views
from courses import activity_views, discussion_views, report_views
from courses import api as courses_api
from courses import authoring as course_authoring
from courses import views as course_views
from live import api as live_api
from live import models as live_models
from live import results_views as live_results_views
from live import stage_api as live_stage_api
from live import stage_models as live_stage_models
from live import stage_views as live_stage_views
from live import views as live_views
from lms import files, notification_signals
from lms.accounts import admin_login, admin_units, admin_users, app_tokens, oidc_views, push_views
from lms.accounts import api as accounts_api
from lms.accounts import views as accounts_views
from lms.accounts.locale import select_locale
from lms.accounts.permissions import enforce_access
from lms.accounts.session import install_authentication, unauthorized
from lms.calendar import views as calendar_views
from lms.core import ranking
from lms.core.config import CONFIGS
from lms.core.db import ping_when_idle
from lms.core.errors import register_error_handlers
from lms.core.extensions import babel, csrf, db, limiter, migrate
from lms.core.http import DatabaseIdConverter, install_security_headers
from lms.core.metrics import install_metrics
from lms.core.request_log import install_request_log
from lms.core.sqlite import WRITES_ATTRIBUTE, configure_sqlite, set_read_only
from lms.core.strict_json import StrictJSONProvider
from lms.home import monitoring
from lms.home import views as home_views
from lms.notifications import announcement_api, announcement_views
from lms.notifications import api as notifications_api
from lms.notifications import models as notification_models
from lms.notifications import queue as notification_queue
from lms.notifications import views as notification_views
from lms.notifications.robots import views as robots_views
from lms.points import api as points_api
from lms.points import views as points_views
from lms.points.hours import api as study_hours_api
from lms.points.hours import views as study_hours_views
from question_bank import api as questions_api
from question_bank import category_views as bank_category_views
from question_bank import import_views as bank_import_views
from question_bank import models as question_bank_models
from question_bank import views as bank_views
from quizzes import api as quizzes_api
from quizzes import item_kind as quiz_item_kind
from quizzes import manage_views as quiz_manage_views
from quizzes import models as quiz_models
from quizzes import practice_views, results_views
from quizzes import views as quiz_views

ROOT = Path(__file__).resolve().parent.parent
# Imported so that migrations and queries know their tables, and courses know the quiz kind.
MODELS = (
    question_bank_models,
    quiz_models,
    quiz_item_kind,
    competition_models,
    live_models,
    live_stage_models,
    notification_models,
    ranking,
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_BLUEPRINTS = (
    accounts_api.bp,
    courses_api.bp,
    questions_api.bp,
    quizzes_api.bp,
    competitions_api.bp,
    live_api.bp,
    live_stage_api.bp,
    points_api.bp,
    announcement_api.bp,
    notifications_api.bp,
    study_hours_api.bp,
)
PAGE_BLUEPRINTS = (
    home_views.bp,
    monitoring.bp,
    accounts_views.bp,
    admin_users.bp,
    admin_units.bp,
    admin_units.settings_bp,
    admin_login.bp,
    oidc_views.bp,
    app_tokens.bp,
    course_views.bp,
    course_authoring.bp,
    activity_views.bp,
    discussion_views.bp,
    report_views.bp,
    files.bp,
    bank_views.bp,
    bank_import_views.bp,
    bank_category_views.bp,
    quiz_views.bp,
    quiz_manage_views.bp,
    results_views.bp,
    practice_views.bp,
    competition_views.bp,
    competition_manage_views.bp,
    competition_live_views.bp,
    competition_results_views.bp,
    certificate_views.bp,
    live_results_views.bp,
    points_views.bp,
    study_hours_views.bp,
    live_views.bp,
    live_stage_views.bp,
    push_views.bp,
    calendar_views.bp,
    announcement_views.bp,
    notification_views.bp,
    robots_views.bp,
)


def create_app(env: str | None = None, **overrides: Any) -> Flask:
    app = Flask(
        "lms",
        root_path=str(ROOT / "lms"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(os.environ.get("LMS_INSTANCE_PATH", ROOT / "instance")).resolve()),
    )
    app.url_map.converters["int"] = DatabaseIdConverter
    app.json = StrictJSONProvider(app)
    config_class = CONFIGS[env or os.environ.get("LMS_ENV", "development")]
    app.config.from_object(config_class)
    app.config.from_prefixed_env("LMS")
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config_class.finalise(app.config, app.instance_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "lms" / "translations")

    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT_MS"])
        ping_when_idle(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)

    install_request_log(app)
    install_metrics(app)

    @app.before_request
    def _transaction_mode() -> None:
        view = app.view_functions.get(request.endpoint or "")
        writes = getattr(view, WRITES_ATTRIBUTE, False)
        set_read_only(request.method in SAFE_METHODS and not writes)

    install_authentication(app)
    enforce_access(app, on_anonymous=unauthorized)
    notification_queue.install()
    notification_signals.connect()
    install_security_headers(app)
    register_error_handlers(app)

    from lms import template_globals  # noqa: PLC0415

    template_globals.install(app)


def _register_blueprints(app: Flask) -> None:
    for blueprint in PAGE_BLUEPRINTS:
        app.register_blueprint(blueprint)
    for blueprint in API_BLUEPRINTS:
        csrf.exempt(blueprint)  # lms.accounts.session checks CSRF for session-authenticated calls
        app.register_blueprint(blueprint, url_prefix="/api/v1")


def _register_cli(app: Flask) -> None:
    from competitions import cli as competitions_cli  # noqa: PLC0415
    from lms import cli  # noqa: PLC0415
    from lms.accounts import cli as accounts_cli  # noqa: PLC0415
    from lms.notifications import cli as notifications_cli  # noqa: PLC0415
    from lms.reminders import cli as reminders_cli  # noqa: PLC0415
    from question_bank import cli as questions_cli  # noqa: PLC0415
    from quizzes import cli as quizzes_cli  # noqa: PLC0415

    cli.lms_group.add_command(notifications_cli.send_notifications)
    cli.lms_group.add_command(notifications_cli.notifications_worker)
    cli.lms_group.add_command(reminders_cli.send_reminders)
    app.cli.add_command(cli.lms_group)
    app.cli.add_command(accounts_cli.users_group)
    app.cli.add_command(questions_cli.questions_group)
    app.cli.add_command(quizzes_cli.quizzes_group)
    app.cli.add_command(competitions_cli.competitions_group)

"""What every page template can use: role-aware navigation, the language switcher, Markdown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from competitions.services.results import member_awards
from competitions.views import cards_for
from courses.item_kinds import KINDS
from live.permissions import can_create_sessions
from lms.accounts.forms import LANGUAGES, ROLE_LABELS, ConfirmForm, LanguageForm
from lms.accounts.permissions import access_of, may_access
from lms.accounts.services.org_units import leads_a_unit
from lms.core.dates import install_date_filters
from lms.core.markup import render_markdown
from lms.notifications.queries import unread_count
from question_bank.render import stem_html


def _sees_reports(user: Any) -> bool:
    return user.is_organizer or leads_a_unit(user)


# (endpoint, label, extra test): shown to whoever the endpoint's declared access admits and,
# when given, the extra test accepts.
NAVIGATION: tuple[tuple[str, Any, Callable[[Any], bool] | None], ...] = (
    ("home.index", _l("Home"), None),
    ("courses.index", _l("Courses"), None),
    ("quizzes.index", _l("Quizzes"), None),
    ("competitions.index", _l("Competitions"), None),
    ("points.index", _l("Points"), None),
    ("announcements.index", _l("Notices"), None),
    ("live.join", _l("Live quiz"), None),
)
# Staff pages sit in one "Manage" menu, so an admin's bar fits a laptop screen.
MANAGE_NAVIGATION: tuple[tuple[str, Any, Callable[[Any], bool] | None], ...] = (
    ("course_authoring.index", _l("Authoring"), None),
    ("reports.index", _l("Reports"), _sees_reports),
    ("study_hours.report", _l("Study-hour report"), _sees_reports),
    ("study_hours.admin", _l("Study-hour targets"), None),
    ("bank.index", _l("Question bank"), None),
    ("quiz_manage.index", _l("Manage quizzes"), None),
    ("competition_manage.index", _l("Manage competitions"), None),
    ("live.index", _l("Host live quizzes"), can_create_sessions),
    ("users_admin.index", _l("Users"), None),
    ("units_admin.index", _l("Organisation"), None),
    ("site_admin.settings", _l("Settings"), None),
    ("certificate_settings.edit", _l("Certificates"), None),
    ("robots_admin.index", _l("Group robots"), None),
    ("live_stage.index", _l("Stage competitions"), None),
    ("notifications.admin", _l("Notifications"), None),
)


def _allowed(
    entries: tuple[tuple[str, Any, Callable[[Any], bool] | None], ...],
    section: str | None = None,
) -> list[dict[str, Any]]:
    items = []
    for endpoint, label, test in entries:
        view = current_app.view_functions.get(endpoint)
        access = access_of(view) if view else None
        if access is None or not may_access(current_user, access):
            continue
        if test is None or test(current_user):
            url = url_for(endpoint)
            items.append(
                {
                    "url": url,
                    "label": label,
                    "active": endpoint == section
                    if section
                    else request.endpoint == endpoint
                    or (url != "/" and request.path.startswith(url)),
                }
            )
    return items


def nav_items(section: str | None = None) -> list[dict[str, Any]]:
    """The main menu; ``section`` (an endpoint) is the item a page belongs to when its URL says
    otherwise, as a competition's round, served under /quizzes, belongs to Competitions."""
    return _allowed(NAVIGATION, section)


def manage_items() -> list[dict[str, Any]]:
    return _allowed(MANAGE_NAVIGATION)


def page_url(page: int) -> str:
    """This page's URL with its query string kept and ``page`` replaced."""
    args = request.args.to_dict()
    args["page"] = str(page)
    return url_for(request.endpoint or "home.index", **(request.view_args or {}), **args)


# Zones people in China call Beijing time (北京时间), whatever the tz database names them.
BEIJING_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin", "PRC"})


def site_zone() -> str:
    """The site's time zone as people say it: "北京时间" rather than "Asia/Shanghai"."""
    zone = current_app.config["TIMEZONE"]
    return str(_l("Beijing time") if zone in BEIJING_ZONES else _l("%(zone)s time", zone=zone))


def install(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    install_date_filters(app)
    app.jinja_env.globals.update(
        nav_items=nav_items,
        manage_items=manage_items,
        question_stem=stem_html,
        get_locale=get_locale,
        page_url=page_url,
        language_choices=LANGUAGES,
        language_form=lambda: LanguageForm(formdata=None, next=request.full_path.rstrip("?")),
        logout_form=lambda: ConfirmForm(formdata=None),
        role_label=lambda role: ROLE_LABELS.get(role, role),
        item_kinds=KINDS,
        member_awards=member_awards,
        home_competitions=lambda: cards_for(current_user, current_only=True),
        site_zone=site_zone,
        unread_notifications=lambda: unread_count(current_user),
    )

"""Who may use which route: every endpoint against an explicit table, for every role.

A new route fails these tests until it is added to ``AUDIENCE`` on purpose.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for

from lms.accounts.permissions import AUTHENTICATED, PUBLIC, access_of
from tests.factories import UserFactory
from tests.web.competitions import audience_api as competition_api_audience
from tests.web.competitions import audience_live, audience_points
from tests.web.competitions import audience_manage as competition_manage_audience
from tests.web.competitions import audience_pages as competition_pages_audience
from tests.web.competitions import audience_results as competition_results_audience
from tests.web.live import audience as live_audience
from tests.web.live import audience_pages as live_pages_audience
from tests.web.notifications import audience as notifications_audience
from tests.web.notifications import audience_announcements
from tests.web.points import audience_hours
from tests.web.quizzes import (
    audience_api,
    audience_manage,
    audience_pages,
    audience_practice,
    audience_results,
)
from tests.web.samples import quiz_url_values, sample_objects
from tests.web.stage import audience as stage_audience

STAFF = frozenset({"organizer", "admin"})
ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "home.index": PUBLIC,  # guests are sent to the login page by the view itself
    "home.health": PUBLIC,
    "monitoring.ready": PUBLIC,
    "monitoring.prometheus": PUBLIC,  # by address: LMS_METRICS_ALLOWED_NETWORKS
    "push.authorise": PUBLIC,  # Nchan asks; the channel kinds check the session and secrets
    "accounts.login": PUBLIC,
    "accounts.logout": PUBLIC,
    "accounts.register": PUBLIC,
    "accounts.reset_password": PUBLIC,
    "accounts.set_language": PUBLIC,
    "accounts.profile": AUTHENTICATED,
    "accounts.change_password": AUTHENTICATED,
    "accounts_api.issue_token": PUBLIC,
    "accounts_api.revoke_token": AUTHENTICATED,
    "accounts_api.me": AUTHENTICATED,
    "accounts_api.update_me": AUTHENTICATED,
    "accounts_api.openapi": PUBLIC,
    "users_admin.index": ADMIN,
    "users_admin.create": ADMIN,
    "users_admin.edit": ADMIN,
    "users_admin.toggle_active": ADMIN,
    "users_admin.reset_link": ADMIN,
    "users_admin.import_file": ADMIN,
    "users_admin.import_template": ADMIN,
    "users_admin.import_passwords": ADMIN,
    "units_admin.index": ADMIN,
    "units_admin.create": ADMIN,
    "units_admin.edit": ADMIN,
    "units_admin.delete": ADMIN,
    "site_admin.settings": ADMIN,
    "login_admin.settings": ADMIN,
    "oidc.start": PUBLIC,  # the way to the organisation's identity provider
    "oidc.callback": PUBLIC,  # its way back, checked by the state kept in the session
    "robots_admin.index": ADMIN,
    "robots_admin.unit": ADMIN,
    "robots_admin.test": ADMIN,
    "robots_admin.delete": ADMIN,
    "certificate_settings.edit": ADMIN,
    "courses.index": AUTHENTICATED,
    "courses.course": AUTHENTICATED,
    "courses.enrol": AUTHENTICATED,
    "courses.lesson": AUTHENTICATED,
    "courses.complete": AUTHENTICATED,
    "course_authoring.index": STAFF,
    "course_authoring.create": ADMIN,
    "course_authoring.edit": STAFF,
    "course_authoring.publish": STAFF,
    "course_authoring.add_module": STAFF,
    "course_authoring.edit_module": STAFF,
    "course_authoring.move_module": STAFF,
    "course_authoring.delete_module": STAFF,
    "course_authoring.add_lesson": STAFF,
    "course_authoring.edit_item": STAFF,
    "course_authoring.move_item": STAFF,
    "course_authoring.delete_item": STAFF,
    "course_authoring.preview": STAFF,
    "courses_api.list_courses": AUTHENTICATED,
    "courses_api.create_course": ADMIN,
    "courses_api.update_course": STAFF,
    "courses_api.get_course": AUTHENTICATED,
    "courses_api.add_module": STAFF,
    "courses_api.add_item": STAFF,
    "courses_api.enrol": AUTHENTICATED,
    "courses_api.get_lesson": AUTHENTICATED,
    "courses_api.complete_lesson": AUTHENTICATED,
    "courses_api.report_video": AUTHENTICATED,
    "activities.show": AUTHENTICATED,
    "activities.register": AUTHENTICATED,
    "activities.unregister": AUTHENTICATED,
    "activities.check_in": AUTHENTICATED,
    "activities.create": STAFF,
    "activities.edit": STAFF,
    "activities.roster": STAFF,
    "activities.attendance": STAFF,
    "activities.renew_code": STAFF,
    "activities.qr": STAFF,
    "activities.export": STAFF,
    "discussion.post": AUTHENTICATED,
    "discussion.edit": AUTHENTICATED,
    "discussion.delete": AUTHENTICATED,
    "discussion.hide": STAFF,
    "discussion.unhide": STAFF,
    "reports.index": AUTHENTICATED,
    "reports.course": AUTHENTICATED,
    "reports.export": AUTHENTICATED,
    "files.serve": AUTHENTICATED,
    "courses.video_progress": AUTHENTICATED,
    "course_authoring.delete_attachment": STAFF,
    "course_authoring.publish_module": STAFF,
    "course_authoring.publish_item": STAFF,
    "bank.index": STAFF,
    "bank.bulk": STAFF,
    "bank.show": STAFF,
    "bank.retire": STAFF,
    "bank.create": STAFF,
    "bank.export": STAFF,
    "bank.live_preview": STAFF,
    "bank_categories.index": STAFF,
    "bank_categories.create": STAFF,
    "bank_categories.edit": STAFF,
    "bank_categories.delete": STAFF,
    "bank_import.upload": STAFF,
    "bank_import.commit": STAFF,
    "bank_import.template": STAFF,
    "bank.edit": STAFF,
    "questions_api.list_questions": STAFF,
    "questions_api.create_question": STAFF,
    "calendar.page": AUTHENTICATED,
    "app_tokens.page": AUTHENTICATED,
    "app_tokens.new": AUTHENTICATED,
    "app_tokens.revoke": AUTHENTICATED,
    "calendar.reset": AUTHENTICATED,
    "calendar.feed": PUBLIC,  # the secret address is the key; calendar apps have no session
    "calendar.activity": AUTHENTICATED,
    "calendar.quiz": AUTHENTICATED,
    "calendar.competition": AUTHENTICATED,
}
for _area in (
    audience_pages,
    audience_manage,
    audience_results,
    audience_practice,
    audience_api,
    competition_pages_audience,
    competition_manage_audience,
    audience_live,
    competition_api_audience,
    audience_points,
    competition_results_audience,
    stage_audience,
    live_audience,
    live_pages_audience,
    audience_announcements,
    notifications_audience,
    audience_hours,
):
    AUDIENCE.update(_area.AUDIENCE)
# Declared for every logged-in user, then refused per object to members who lead no unit.
LEADERS_AND_STAFF = {"reports.index", "reports.course", "reports.export"}
LEADERS_AND_STAFF |= audience_results.LEADERS_AND_STAFF
LEADERS_AND_STAFF |= live_audience.LEADERS_AND_STAFF
LEADERS_AND_STAFF |= live_pages_audience.LEADERS_AND_STAFF
LEADERS_AND_STAFF |= audience_hours.LEADERS_AND_STAFF
LEADERS_AND_STAFF |= audience_announcements.LEADERS_AND_STAFF
ROLES = ("anonymous", "member", "organizer", "admin")
IGNORED_METHODS = {"HEAD", "OPTIONS"}


def _endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def _cases() -> list[tuple[str, str, str, str]]:
    from lms.app import create_app  # noqa: PLC0415 - collection-time look at the routes

    app = create_app("testing", DATABASE_URL="sqlite://")
    cases = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            for role in ROLES:
                cases.append((rule.endpoint, rule.rule, method, role))
    return cases


def test_every_endpoint_is_in_the_table(app: Flask) -> None:
    assert _endpoints(app) == set(AUDIENCE), (
        "add new endpoints to AUDIENCE (and remove deleted ones) deliberately"
    )


@pytest.mark.parametrize("endpoint", sorted(AUDIENCE))
def test_each_view_declares_the_audience_of_the_table(app: Flask, endpoint: str) -> None:
    assert access_of(app.view_functions[endpoint]) == AUDIENCE[endpoint]


def _allowed(audience: str | frozenset[str], role: str, endpoint: str = "") -> bool:
    if endpoint in LEADERS_AND_STAFF and role == "member":
        return False
    if audience == PUBLIC:
        return True
    if role == "anonymous":
        return False
    return audience == AUTHENTICATED or role in audience


def _url(app: Flask, endpoint: str, rule_text: str, objects: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule_text)
    values = {
        "user_id": objects["user"].id,
        "unit_id": objects["unit"].id,
        "secret": "not-a-real-secret",
        "course_id": objects["course"].id,
        "comment_id": objects["comment"].id,
        "question_id": objects["question"].id,
        "category_id": objects["question"].category_id,
        "attachment_id": objects["attachment"].id,
        "token": objects["attachment"].upload.token,
        "filename": objects["attachment"].upload.filename,
        "module_id": objects["module"].id,
        "item_id": objects["activity"].id
        if endpoint.startswith("activities.")
        else objects["item"].id,
        "fmt": "csv",
        "webhook_id": 1,  # none: an admin gets a 404
        "token_id": 1,  # none: nothing is signed out
    }
    values.update(quiz_url_values(objects))
    values.update(competition_results_audience.url_values(objects))
    values = {
        **stage_audience.URL_VALUES,
        **audience_hours.URL_VALUES,
        **notifications_audience.URL_VALUES,
        **values,
    }
    if "announcement_id" in rule.arguments:
        values.update(audience_announcements.url_values(objects))
    if endpoint.startswith("live."):
        values.update(live_pages_audience.url_values(objects))
    elif "session_id" in rule.arguments:
        values.update(live_audience.url_values(objects))
    with app.test_request_context():
        return url_for(endpoint, **{name: values[name] for name in rule.arguments})


@pytest.mark.parametrize(("endpoint", "rule", "method", "role"), _cases())
def test_role_gets_what_the_table_says(
    app: Flask, client, db, login_as, endpoint: str, rule: str, method: str, role: str
) -> None:
    acting = UserFactory(username=f"as-{role}", role=role) if role != "anonymous" else None
    objects = sample_objects(editor=acting if role == "organizer" else None)
    if acting is not None:
        login_as(acting)
    db.session.commit()
    url = _url(app, endpoint, rule, objects)
    is_api = url.startswith("/api/")
    kwargs: dict[str, Any] = {"json": {}} if is_api and method != "GET" else {}

    response = client.open(url, method=method, **kwargs)

    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if _allowed(AUDIENCE[endpoint], role, endpoint):
        assert response.status_code not in (401, 403)
        assert "next=" not in response.headers.get("Location", "")
    elif role == "anonymous" and is_api:
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
    elif role == "anonymous":
        assert response.status_code == 302
        assert "/login?next=" in response.headers["Location"]
    else:
        assert response.status_code == 403
        if is_api:
            assert response.get_json()["error"]["code"] == "forbidden"

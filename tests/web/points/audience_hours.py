"""Who may use the study-hour routes (merged into the route matrix)."""

from __future__ import annotations

from lms.accounts.permissions import AUTHENTICATED

ADMIN = frozenset({"admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "study_hours.index": AUTHENTICATED,
    "study_hours.transcript_pdf": AUTHENTICATED,
    "study_hours.transcript_xlsx": AUTHENTICATED,
    "study_hours.report": AUTHENTICATED,
    "study_hours.report_xlsx": AUTHENTICATED,
    "study_hours.admin": ADMIN,
    "study_hours.save_target": ADMIN,
    "study_hours.delete_target": ADMIN,
    "study_hours.save_minutes": ADMIN,
    "study_hours_api.me": AUTHENTICATED,
    "courses.certificate": AUTHENTICATED,
}
# Declared for every logged-in user, then refused to members who lead no unit.
LEADERS_AND_STAFF = {"study_hours.report", "study_hours.report_xlsx"}
URL_VALUES = {"target_id": 999_999}

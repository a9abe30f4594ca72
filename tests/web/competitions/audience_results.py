"""Who may use the competition results routes (merged into the route matrix).

Certificates are declared for every logged-in user; the view answers 404 for another member's.
"""

from __future__ import annotations

from typing import Any

from competitions.models import Award
from lms.accounts.permissions import AUTHENTICATED
from lms.core.extensions import db

STAFF = frozenset({"organizer", "admin"})
AUDIENCE: dict[str, str | frozenset[str]] = {
    "competition_results.results": AUTHENTICATED,
    "competition_results.publish": STAFF,
    "competition_results.export": STAFF,
    "competition_results.certificate": AUTHENTICATED,
    "competition_results.certificate_file": AUTHENTICATED,
    "competition_results.all_certificates": STAFF,
}


def url_values(objects: dict[str, Any]) -> dict[str, Any]:
    """``award_id``: an award of the sample competition to its participant (not the caller)."""
    competition, participant = objects["competition"], objects["user"]
    award = Award(
        competition_id=competition.id, user_id=participant.id, rank=1, kind="top", code="SAMPLE"
    )
    db.session.add(award)
    db.session.commit()
    return {"award_id": award.id}

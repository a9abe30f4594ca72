"""What organizers do by hand to a competition as a whole, each kept in the audit trail
(``CompetitionAction``): freeze the public board now, reveal it now, grant a special award.

Freezing and revealing rebuild both boards from the attempts, so the public board stands at
this moment when frozen, and is complete again when revealed; the boards, the pages and the API
read the freeze from the competition (``stages.freeze_at``) and follow at once.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from competitions.models import Award, Competition, CompetitionAction
from competitions.services import results, standings
from competitions.services.stages import is_eligible, is_frozen
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db

FREEZE = "freeze"
REVEAL = "reveal"
AWARD = "award"


def _audit(
    competition: Competition,
    action: str,
    by: User | None,
    reason: str = "",
    user_id: int | None = None,
) -> CompetitionAction:
    done = CompetitionAction(
        competition_id=competition.id,
        action=action,
        reason=reason,
        user_id=user_id,
        by_id=getattr(by, "id", None),
        at=utcnow(),
    )
    db.session.add(done)
    return done


def freeze_board(competition: Competition, by: User | None) -> Competition:
    """Stop the public board where it stands now, until revealed or the end."""
    if utcnow() >= competition.ends_at:
        raise ConflictError(_("The competition is over: its board is final."), code="finished")
    if is_frozen(competition):
        raise ConflictError(_("The board is already frozen."), code="frozen")
    competition.frozen_by_hand_at = utcnow()
    competition.revealed_by_hand_at = None
    _audit(competition, FREEZE, by)
    db.session.flush()
    standings.rebuild(competition)
    return competition


def reveal_board(competition: Competition, by: User | None) -> Competition:
    """Show the live board to everyone now (an automatic freeze still to come stays)."""
    if not is_frozen(competition):
        raise ConflictError(_("The board is not frozen."), code="not_frozen")
    competition.revealed_by_hand_at = utcnow()
    competition.frozen_by_hand_at = None
    _audit(competition, REVEAL, by)
    db.session.flush()
    standings.rebuild(competition)
    return competition


def _text(value: str, field: str, limit: int, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field=field)
    if len(value) > limit:
        raise ValidationError(_("At most %(n)d characters.", n=limit), field=field)
    return value


def grant_award(
    competition: Competition, username: str, title: str, reason: str, by: User | None
) -> Award:
    """A special award (its ``title`` printed on the certificate) for a member, with a reason.

    Only once the results are published (awards are handed out then). A member who finished
    gets the special award in place of their finisher award; a placed member keeps their place.
    """
    title = _text(title, "title", 100, _("Name the award."))
    reason = _text(reason, "reason", 500, _("Give a reason."))
    if competition.results_published_at is None:
        raise ConflictError(
            _("Awards are given once the results are published."), code="not_published"
        )
    member = db.session.scalar(select(User).where(User.username == (username or "").strip()))
    if member is None or not is_eligible(member, competition):
        raise NotFoundError(_("No member of this competition has that username."))
    award = results.award_of(competition, member)
    if award is not None and award.kind == results.TOP:
        raise ConflictError(
            _("%(name)s already has a place award.", name=member.display_name), code="placed"
        )
    if award is None:
        ranks = {row.user_id: row.rank for row in results.result_rows(competition)}
        award = Award(
            competition_id=competition.id,
            user_id=member.id,
            rank=ranks.get(member.id) or 0,
            code=results.new_code(),
            issued_at=utcnow(),
        )
        db.session.add(award)
    award.kind = results.SPECIAL
    award.title = title
    _audit(competition, AWARD, by, reason=f"{title}: {reason}", user_id=member.id)
    db.session.flush()
    return award


def actions_of(competition: Competition) -> list[CompetitionAction]:
    """The trail, newest first."""
    return list(
        db.session.scalars(
            select(CompetitionAction)
            .where(CompetitionAction.competition_id == competition.id)
            .order_by(CompetitionAction.at.desc(), CompetitionAction.id.desc())
        )
    )

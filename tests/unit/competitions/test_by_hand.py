"""Organizers freeze and reveal the public board by hand and grant special awards, audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from competitions.models import CompetitionAction
from competitions.services import by_hand, leaderboards, registration, results
from lms.core.errors import ConflictError, NotFoundError, ValidationError
from lms.core.extensions import db
from tests.unit.competitions.helpers import auto_quiz, person, running, take


def _names(competition) -> list[str]:
    return [
        e["name"]
        for e in json.loads(leaderboards.board_bytes(competition, "people", 10))["entries"]
    ]


def _trail(competition) -> list[tuple[str, int | None]]:
    return [
        (a.action, a.by_id)
        for a in db.session.scalars(
            select(CompetitionAction)
            .where(CompetitionAction.competition_id == competition.id)
            .order_by(CompetitionAction.id)
        )
    ]


def test_freezing_by_hand_stops_the_public_board_now_and_revealing_shows_it_again(db, clock):
    quiz = auto_quiz()
    competition = running([quiz], freeze_minutes=0)
    organizer = person(role="organizer")
    leader, climber = person(display_name="Leader"), person(display_name="Climber")
    for member in (leader, climber):
        registration.register(member, competition)
    take(leader, quiz, right=1)

    clock.advance(minutes=10)
    by_hand.freeze_board(competition, organizer)
    clock.advance(minutes=1)
    take(climber, quiz, right=2)
    board = leaderboards.people_board(competition, viewer=climber)
    assert board.frozen
    assert [r.name for r in board.entries] == ["Leader"]
    assert board.me.rank == 1  # the climber's own place stays live
    assert _names(competition) == ["Leader"]
    with pytest.raises(ConflictError):
        by_hand.freeze_board(competition, organizer)

    by_hand.reveal_board(competition, organizer)
    assert not leaderboards.people_board(competition).frozen
    assert _names(competition) == ["Climber", "Leader"]
    with pytest.raises(ConflictError):
        by_hand.reveal_board(competition, organizer)
    assert _trail(competition) == [("freeze", organizer.id), ("reveal", organizer.id)]


def test_revealing_an_automatic_freeze_and_a_freeze_still_to_come(db, clock):
    quiz = auto_quiz()
    competition = running([quiz], freeze_minutes=30)  # ends in 2 hours: freezes at 90 minutes
    organizer = person(role="organizer")
    clock.advance(minutes=95)
    assert leaderboards.people_board(competition).frozen
    by_hand.reveal_board(competition, organizer)
    assert not leaderboards.people_board(competition).frozen

    other = running([auto_quiz()], freeze_minutes=30)  # starts now, freezes in 90 minutes
    by_hand.freeze_board(other, organizer)
    by_hand.reveal_board(other, organizer)
    assert not leaderboards.people_board(other).frozen
    clock.advance(minutes=91)
    assert leaderboards.people_board(other).frozen  # the configured freeze still comes


def test_a_special_award_is_granted_with_a_reason_once_results_are_published(db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    organizer = person(role="organizer")
    first, second = person(display_name="First"), person(display_name="Second")
    for member, right in ((first, 2), (second, 1)):
        registration.register(member, competition)
        take(member, quiz, right=right)
    competition.certificate_top_n = 1
    with pytest.raises(ConflictError):  # not published yet
        by_hand.grant_award(competition, second.username, "Best newcomer", "Kept going", organizer)

    clock.advance(hours=3)
    results.publish_results(competition, organizer)
    with pytest.raises(ValidationError):
        by_hand.grant_award(competition, second.username, "Best newcomer", " ", organizer)
    with pytest.raises(NotFoundError):
        by_hand.grant_award(competition, "nobody", "Best newcomer", "Why not", organizer)
    with pytest.raises(ConflictError):  # a placed member keeps their place award
        by_hand.grant_award(competition, first.username, "Best newcomer", "Why not", organizer)

    award = by_hand.grant_award(
        competition, second.username, "Best newcomer", "Kept going", organizer
    )
    assert (award.kind, award.title, award.rank) == ("special", "Best newcomer", 2)
    assert results.place_label(award) == "Best newcomer"
    assert results.certificate(competition, award).place == "Best newcomer"
    outsider = person(display_name="Helper")
    helper_award = by_hand.grant_award(competition, outsider.username, "Helper", "Set up", None)
    assert (helper_award.kind, helper_award.rank) == ("special", 0)
    actions = db.session.scalars(select(CompetitionAction).order_by(CompetitionAction.id)).all()
    assert [(a.action, a.user_id, a.reason) for a in actions] == [
        ("award", second.id, "Best newcomer: Kept going"),
        ("award", outsider.id, "Helper: Set up"),
    ]

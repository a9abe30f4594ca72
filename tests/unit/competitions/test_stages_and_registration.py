"""Stages by the clock, validation, eligibility, registration windows and the round guard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from competitions.models import Registration, Stage
from competitions.services import authoring, registration, stages
from lms.accounts.session import Guest
from lms.core.errors import ConflictError, ValidationError
from tests.unit.competitions.helpers import auto_quiz, person, running, settings, take, tree


def test_the_stage_follows_the_clock(db, clock):
    competition = authoring.create_competition(settings(), [auto_quiz()], created_by=None)
    assert stages.stage_of(competition) == Stage.DRAFT
    authoring.set_published(competition, True)
    start = competition.starts_at
    assert stages.stage_of(competition, start - timedelta(hours=2)) == Stage.UPCOMING
    assert stages.stage_of(competition, start - timedelta(minutes=1)) == Stage.REGISTRATION
    assert stages.stage_of(competition, start) == Stage.RUNNING
    assert stages.stage_of(competition, competition.ends_at) == Stage.FINISHED
    competition.results_published_at = competition.ends_at
    assert stages.stage_of(competition, competition.ends_at) == Stage.PUBLISHED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": " "}, "title"),
        ({"registration_opens_at_shift": 3}, "Registration must open before"),
        ({"ends_shift": -2}, "end after it starts"),
        ({"unit_metric": "median"}, "unit metric"),
        ({"min_participants": -1}, "cannot be negative"),
        ({"freeze_minutes": 120}, "freeze must be shorter"),
    ],
)
def test_invalid_settings_are_refused_with_a_clear_message(db, clock, overrides, message):
    values = dict(overrides)
    base = settings()
    if "registration_opens_at_shift" in values:
        values["registration_opens_at"] = base.starts_at + timedelta(
            hours=values.pop("registration_opens_at_shift")
        )
    if "ends_shift" in values:
        values["ends_at"] = base.starts_at + timedelta(hours=values.pop("ends_shift"))
    with pytest.raises(ValidationError, match=message):
        authoring.create_competition(settings(**values), [auto_quiz()], created_by=None)


def test_a_competition_needs_a_round_and_a_quiz_is_one_round_only(db, clock):
    with pytest.raises(ValidationError, match="at least one round"):
        authoring.create_competition(settings(), [], created_by=None)
    quiz = auto_quiz()
    authoring.create_competition(settings(), [quiz], created_by=None)
    with pytest.raises(ValidationError, match="already a round"):
        authoring.create_competition(settings(), [quiz], created_by=None)


def test_rounds_take_the_competition_window_and_units(db, clock):
    units = tree()
    first, second = auto_quiz(), auto_quiz(title="Second")
    competition = running([first, second], units=[units["north"]])
    for quiz in (first, second):
        assert quiz.opens_at == competition.starts_at
        assert quiz.closes_at == competition.ends_at
        assert quiz.units == [units["north"]]
    authoring.set_rounds(competition, [second, first])
    assert [r.quiz_id for r in competition.rounds] == [second.id, first.id]
    authoring.set_rounds(competition, [first])
    assert [r.quiz_id for r in competition.rounds] == [first.id]


def test_eligibility_is_the_units_and_below(db, clock):
    units = tree()
    competition = running(units=[units["north"]])
    assert stages.is_eligible(person(units["north_one"]), competition)
    assert stages.is_eligible(person(units["north"]), competition)
    assert not stages.is_eligible(person(units["south"]), competition)
    assert not stages.is_eligible(person(units["north"], is_active=False), competition)
    assert competition in stages.visible_to(person(units["north_two"]))
    assert competition not in stages.visible_to(person(units["south"]))


def test_registration_opens_on_time_is_idempotent_and_allows_latecomers(db, clock):
    competition = authoring.create_competition(
        settings(registration_opens_at=clock.now + timedelta(minutes=10),
                 starts_at=clock.now + timedelta(hours=1),
                 ends_at=clock.now + timedelta(hours=2)),
        [auto_quiz()],
        created_by=None,
    )  # fmt: skip
    member = person()
    with pytest.raises(ConflictError, match="not opened"):
        registration.register(member, competition)  # a draft
    authoring.set_published(competition, True)
    with pytest.raises(ConflictError, match="not opened"):
        registration.register(member, competition)
    clock.advance(minutes=10)
    first = registration.register(member, competition)
    assert registration.register(member, competition).id == first.id
    assert registration.participants_count(competition) == 1
    clock.advance(minutes=70)  # running: late registration is fine
    assert registration.register(person(), competition)
    clock.advance(hours=1)
    with pytest.raises(ConflictError, match="closed"):
        registration.register(person(), competition)


def test_ineligible_members_cannot_register(db, clock):
    units = tree()
    competition = running(units=[units["south"]])
    with pytest.raises(ConflictError, match="not open to you"):
        registration.register(person(units["north"]), competition)


def test_a_round_starts_only_while_running_for_registered_members(db, clock):
    quiz = auto_quiz()
    competition = authoring.create_competition(
        settings(starts_at=clock.now + timedelta(minutes=30),
                 ends_at=clock.now + timedelta(hours=1)),
        [quiz],
        created_by=None,
    )  # fmt: skip
    authoring.set_published(competition, True)
    member = person()
    registration.register(member, competition)
    with pytest.raises(ConflictError):
        take(member, quiz, right=1)  # not running yet (the quiz window refuses it too)
    clock.advance(minutes=30)
    stranger = person()
    with pytest.raises(ConflictError, match="Register for the competition"):
        take(stranger, quiz, right=1)
    assert take(member, quiz, right=1).is_finished


def test_the_guard_speaks_when_the_quiz_window_is_wider(db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    member = person()
    registration.register(member, competition)
    quiz.closes_at = None  # an editor widened the quiz: the competition still rules
    clock.advance(hours=3)
    with pytest.raises(ConflictError, match="only while the competition"):
        take(member, quiz, right=1)


def test_is_registered_counts_a_registration_of_this_session_and_only_that_member(db, clock):
    competition = running()
    member, other = person(), person()
    assert not registration.is_registered(member, competition)
    db.session.add(Registration(competition_id=competition.id, user_id=member.id))  # no flush
    assert registration.is_registered(member, competition)
    assert not registration.is_registered(other, competition)
    assert not registration.is_registered(Guest(), competition)

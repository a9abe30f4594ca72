"""Standings follow submissions one member at a time; rebuilding gives the same boards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from competitions.models import Entry, EntryAction
from competitions.services import integrity, leaderboards, registration, standings
from competitions.services.standings import people_key, public_key
from lms.accounts.services import users
from lms.core.errors import ConflictError, ValidationError
from lms.core.extensions import db
from lms.core.ranking import Ranking, get_ranking
from quizzes.models import Grading
from tests.unit.competitions.helpers import auto_quiz, person, running, take


def _entry(competition, user) -> Entry | None:
    return db.session.scalar(
        select(Entry).where(Entry.competition_id == competition.id, Entry.user_id == user.id)
    )


def _board(competition) -> list[tuple[int, int]]:
    return [(r.rank, r.member_id) for r in get_ranking().top(people_key(competition.id), 100)]


def test_a_submission_updates_the_entry_and_the_board(db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    member = person(display_name="Ada")
    registration.register(member, competition)
    attempt = take(member, quiz, right=2, clock=clock, seconds=90)

    entry = _entry(competition, member)
    assert (entry.score, entry.max_score, entry.rounds_done) == (4.0, 4.0, 1)
    assert entry.time_used_seconds == 90
    assert entry.submitted_at == attempt.submitted_at
    assert entry.unit_id == member.unit_id
    board = leaderboards.people_board(competition, viewer=member)
    assert [(r.rank, r.name, r.score, r.time_used_seconds) for r in board.entries] == [
        (1, "Ada", 4.0, 90)
    ]
    assert board.me.rank == 1


def test_rounds_add_up_by_each_quizs_grading_method(db, clock):
    first = auto_quiz(max_attempts=2, grading=Grading.LAST)
    second = auto_quiz(title="Round two")
    competition = running([first, second])
    member = person()
    registration.register(member, competition)
    take(member, first, right=2, clock=clock, seconds=10)
    take(member, first, right=1, clock=clock, seconds=20)  # the last attempt counts: 2 marks
    last = take(member, second, right=2, clock=clock, seconds=30)
    entry = _entry(competition, member)
    assert (entry.score, entry.rounds_done, entry.time_used_seconds) == (6.0, 2, 50)
    assert entry.submitted_at == last.submitted_at


def test_only_the_submitting_members_row_is_written(db, clock, monkeypatch):
    quiz = auto_quiz()
    competition = running([quiz])
    first, second = person(), person()
    for member in (first, second):
        registration.register(member, competition)
    take(first, quiz, right=1)
    written: list[tuple[str, int]] = []
    original = type(get_ranking()).record

    def spy(self: Ranking, board: str, standing) -> None:
        written.append((board, standing.member_id))
        original(self, board, standing)

    monkeypatch.setattr(type(get_ranking()), "record", spy)
    take(second, quiz, right=2)
    assert written == [
        (people_key(competition.id), second.id),
        (public_key(competition.id), second.id),
    ]


def test_a_quiz_outside_competitions_leaves_standings_alone(db, clock):
    quiz = auto_quiz()
    member = person()
    take(member, quiz, right=2)
    assert db.session.scalar(select(Entry)) is None


def test_exact_ties_share_the_rank_and_time_then_submission_break_ties(db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    a, b, c, d, e = (person() for _ in range(5))
    for member in (a, b, c, d, e):
        registration.register(member, competition)
    take(a, quiz, right=2)
    take(b, quiz, right=1)
    take(c, quiz, right=1)  # same score, time and moment as b
    take(d, quiz, right=1, clock=clock, seconds=10)
    take(e, quiz, right=1, clock=clock, seconds=10)  # same time used as d, submitted later
    assert _board(competition) == [(1, a.id), (2, b.id), (2, c.id), (4, d.id), (5, e.id)]


def _field(competition, quiz, clock):
    members = [person() for _ in range(4)]
    for member in members:
        registration.register(member, competition)
    for right, member in zip((2, 1, 1, 0), members, strict=True):
        take(member, quiz, right=right, clock=clock, seconds=5 * right)
    return members


def test_rebuilding_from_the_database_equals_the_incremental_boards(db, clock):
    quiz = auto_quiz()
    competition = running([quiz], freeze_minutes=30)
    members = _field(competition, quiz, clock)
    integrity.disqualify(_entry(competition, members[1]), "Copied answers", by=None)
    incremental = {
        key: get_ranking().top(key, 100)
        for key in (people_key(competition.id), public_key(competition.id))
    }
    scores = {m.id: _entry(competition, m).score for m in members}
    get_ranking().replace_all(people_key(competition.id), [])
    _entry(competition, members[0]).score = 0.0

    assert standings.rebuild(competition) == 4
    for key, rows in incremental.items():
        assert get_ranking().top(key, 100) == rows
    assert {m.id: _entry(competition, m).score for m in members} == scores
    assert _entry(competition, members[1]).disqualified_at is not None


def test_rebuilding_while_frozen_keeps_the_public_board_at_the_freeze(db, clock):
    quiz, late_quiz = auto_quiz(), auto_quiz(title="Late")
    competition = running([quiz, late_quiz], freeze_minutes=30)
    early, late = person(), person()
    for member in (early, late):
        registration.register(member, competition)
    take(early, quiz, right=1)
    clock.advance(minutes=100)  # frozen from minute 90
    take(late, quiz, right=2)
    take(early, late_quiz, right=2)
    public = get_ranking().top(public_key(competition.id), 10)
    assert [r.member_id for r in public] == [early.id]
    standings.rebuild(competition)
    assert get_ranking().top(public_key(competition.id), 10) == public
    assert [r.member_id for r in get_ranking().top(people_key(competition.id), 10)] == [
        early.id,
        late.id,
    ]


def test_disqualifying_takes_the_entry_off_and_reinstating_puts_it_back(db, clock, admin):
    quiz = auto_quiz()
    competition = running([quiz])
    members = _field(competition, quiz, clock)
    before = _board(competition)
    entry = _entry(competition, members[0])
    with pytest.raises(ValidationError, match="reason"):
        integrity.disqualify(entry, "  ", by=admin)
    integrity.disqualify(entry, "Used a phone", by=admin)
    assert members[0].id not in [m for _r, m in _board(competition)]
    assert _board(competition)[0] == (1, members[1].id)
    assert members[0].id not in [r.user_id for r in leaderboards.people_board(competition).entries]
    with pytest.raises(ConflictError):
        integrity.disqualify(entry, "Again", by=admin)
    integrity.reinstate(entry, "The phone was a calculator", by=admin)
    assert _board(competition) == before
    actions = db.session.scalars(select(EntryAction).order_by(EntryAction.id)).all()
    assert [(a.action, a.reason, a.by_id) for a in actions] == [
        ("disqualify", "Used a phone", admin.id),
        ("reinstate", "The phone was a calculator", admin.id),
    ]
    # a graded attempt of a disqualified member does not put them back
    integrity.disqualify(entry, "Used a phone", by=admin)
    standings.rebuild(competition)
    assert members[0].id not in [m for _r, m in _board(competition)]


def test_a_deactivated_member_leaves_every_board_and_returns_when_reactivated(db, clock, admin):
    quiz = auto_quiz()
    competition = running([quiz])
    members = _field(competition, quiz, clock)
    before = _board(competition)
    db.session.commit()
    users.set_active(members[0], False, acting=admin)
    db.session.commit()
    for key in (people_key(competition.id), public_key(competition.id)):
        assert members[0].id not in [r.member_id for r in get_ranking().top(key, 100)]
    assert standings.rebuild(competition) == 4
    assert members[0].id not in [m for _r, m in _board(competition)]
    users.set_active(members[0], True, acting=admin)
    db.session.commit()
    assert _board(competition) == before

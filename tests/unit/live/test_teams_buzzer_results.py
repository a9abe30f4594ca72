"""Teams (units at a depth, or the host's), unit sessions, buzzing and fouls, the report by
unit and the XLSX export."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from live.models import QuestionKind
from live.services import answers, board, buzzer, joining, results, sessions
from live.services.errors import WrongStateError
from live.services.sessions import SessionSettings
from lms.accounts.services.org_units import ensure_unit_path
from lms.core.errors import PermissionDeniedError, ValidationError
from tests.factories import UserFactory
from tests.unit.live.helpers import right, wrong


def test_members_play_for_their_units_ancestor_at_the_depth(db, make_session):
    east = UserFactory(unit=ensure_unit_path("Org/East/Group 1"))
    west = UserFactory(unit=ensure_unit_path("Org/West"))
    top = UserFactory(unit=ensure_unit_path("Org"))
    session = make_session(mode="teams", team_depth=2)
    assert {team.name for team in session.teams} == {"East", "West"}
    assert joining.join(session.pin, user=east).team.name == "East"
    assert joining.join(session.pin, user=west).team.name == "West"
    assert joining.join(session.pin, user=top).team is None  # above the depth


def test_host_formed_teams_fill_evenly_and_rank_by_average(db, make_session):
    session = make_session(mode="teams", team_names=("Red", "Blue"))
    players = [joining.join(session.pin, user=UserFactory()) for _ in range(4)]
    assert sorted(p.team.name for p in players) == ["Blue", "Blue", "Red", "Red"]
    sessions.advance(session)
    question = sessions.current_question(session)
    for player in players:
        answers.submit(
            session, player, 0, right(question) if player.team.name == "Red" else wrong(question)
        )
    sessions.advance(session)
    assert [(e.name, e.score) for e in board.team_board(session)] == [("Red", 100), ("Blue", 0)]


def test_teams_need_a_depth_or_names(db, make_session):
    with pytest.raises(ValidationError):
        make_session(mode="teams")


def test_a_units_session_takes_that_units_members_only(db, host, live_quiz):
    branch = ensure_unit_path("Org/East")
    session = sessions.create_session(host, SessionSettings(), quiz=live_quiz, unit=branch)
    inside = UserFactory(unit=ensure_unit_path("Org/East/Group 1"))
    outside = UserFactory(unit=ensure_unit_path("Org/West"))
    assert joining.join(session.pin, user=inside)
    with pytest.raises(PermissionDeniedError):
        joining.join(session.pin, user=outside)


def test_buzzes_take_orders_and_an_early_buzz_is_a_foul(db, make_session):
    session = make_session()
    session.questions[0].kind = QuestionKind.BUZZER
    early, first, second = (joining.join(session.pin, user=UserFactory()) for _ in range(3))
    sessions.advance(session)
    foul = buzzer.buzz(session, early, 0)
    assert foul.is_foul and foul.order is None
    buzzer.set_open(session, 0, True)
    assert buzzer.buzz(session, first, 0).order == 1
    assert buzzer.buzz(session, second, 0).order == 2
    assert buzzer.buzz(session, first, 0).order == 1  # a repeat is the same buzz
    assert buzzer.buzz(session, early, 0).order == 3
    with pytest.raises(WrongStateError):
        buzzer.buzz(session, first, 1)  # not a buzzer question


def test_the_report_groups_players_by_unit_and_the_export_has_every_answer(db, make_session):
    east = ensure_unit_path("Org/East")
    session = make_session(guests=True)
    a = joining.join(session.pin, user=UserFactory(unit=east, display_name="Ann"))
    b = joining.join(session.pin, user=UserFactory(unit=east, display_name="Bo"))
    guest = joining.join(session.pin, nickname="=cmd()")
    sessions.advance(session)
    question = sessions.current_question(session)
    answers.submit(session, a, 0, right(question))
    answers.submit(session, b, 0, wrong(question))
    answers.submit(session, guest, 0, right(question))
    sessions.end(session)
    report = results.unit_report(session)
    assert [(r["unit"], r["players"], r["total"]) for r in report] == [
        ("Org/East", 2, 100),
        (None, 1, 100),
    ]
    book = load_workbook(io.BytesIO(results.export_xlsx(session)))
    assert len(book.sheetnames) == 3  # players, answers, questions
    rows = list(book.worksheets[1].values)
    assert len(rows) == 4  # the header and three answers
    assert {row[2] for row in rows[1:]} == {"Ann", "Bo", "'=cmd()"}
    assert all(row[7].endswith("+08:00") for row in rows[1:])  # the server's receive time

"""``flask competitions rebuild-leaderboard ID`` rebuilds the boards from the database."""

from __future__ import annotations

from competitions.services import registration
from competitions.services.standings import people_key
from lms.core.ranking import get_ranking
from tests.unit.competitions.helpers import auto_quiz, person, running, take


def test_the_command_rebuilds_a_lost_board(app, db, clock):
    quiz = auto_quiz()
    competition = running([quiz])
    member = person()
    registration.register(member, competition)
    take(member, quiz, right=2)
    get_ranking().replace_all(people_key(competition.id), [])
    db.session.commit()

    result = app.test_cli_runner().invoke(
        args=["competitions", "rebuild-leaderboard", str(competition.id)]
    )
    assert result.exit_code == 0, result.output
    assert "1 entry rebuilt" in result.output
    db.session.expire_all()
    assert [r.member_id for r in get_ranking().top(people_key(competition.id), 10)] == [member.id]


def test_an_unknown_competition_is_an_error(app, db):
    result = app.test_cli_runner().invoke(args=["competitions", "rebuild-leaderboard", "999"])
    assert result.exit_code != 0
    assert "no competition 999" in result.output

"""The command line of DESIGN.md §6: users create, users import, lms seed-demo."""

from __future__ import annotations

from sqlalchemy import func, select

from competitions.models import Award, Competition
from live.models import LiveAnswer, LivePlayer, LiveSession
from live.services import awards
from live.services.questions import HOSTED_TYPES
from lms.accounts.models import OrgUnit, User
from lms.accounts.services.passwords import verify_password
from lms.points.models import PointEntry
from quizzes.models import Attempt, Quiz
from tests.factories import OrgUnitFactory


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def _user(db, username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def test_users_create_makes_missing_units(app, db):
    result = _run(app, "users", "create", "boss", "--role", "admin", "--password", "boss-pass-1",
                  "--org", "总部/办公室/一组")  # fmt: skip
    assert result.exit_code == 0, result.output
    user = _user(db, "boss")
    assert (user.role, user.unit.path) == ("admin", "总部/办公室/一组")
    assert verify_password(user.password_hash, "boss-pass-1")
    again = _run(
        app, "users", "create", "boss2", "--password", "boss-pass-2", "--org", "总部/办公室"
    )
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(OrgUnit)) == 3


def test_users_create_refuses_duplicates_and_bad_roles(app, db):
    assert _run(app, "users", "create", "dup", "--password", "dup-pass-1").exit_code == 0
    duplicate = _run(app, "users", "create", "DUP", "--password", "dup-pass-1")
    assert duplicate.exit_code != 0
    assert "dup" in duplicate.output
    bad_role = _run(app, "users", "create", "x1", "--role", "king", "--password", "dup-pass-1")
    assert bad_role.exit_code != 0
    short = _run(app, "users", "create", "x2", "--password", "short")
    assert short.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_users_import_all_or_nothing(app, db, tmp_path):
    OrgUnitFactory(name="示范学院")
    db.session.commit()
    good = tmp_path / "good.csv"
    good.write_text("username,display_name,unit,password\na1,甲,示范学院,pass-word-1\n", "utf-8")
    result = _run(app, "users", "import", str(good))
    assert result.exit_code == 0, result.output
    assert "1 users imported" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "username,display_name,unit\nb1,乙,示范学院\nb2,丙,火星\na1,重复,示范学院\n", "utf-8"
    )
    result = _run(app, "users", "import", str(bad))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert any(line.startswith("row 3:") for line in lines)
    assert any(line.startswith("row 4:") for line in lines)
    assert _user(db, "b1") is None


def test_seed_demo_once(app, db):
    first = _run(app, "lms", "seed-demo")
    assert first.exit_code == 0
    assert "admin" in first.output
    assert "demo1234" in first.output
    users = db.session.scalars(select(User)).all()
    roles = [user.role for user in users]
    assert roles.count("admin") == 1
    assert roles.count("organizer") == 1
    members = [user for user in users if user.role == "member"]
    assert len(members) >= 3
    assert len({member.unit.path.split("/")[1] for member in members}) >= 2  # several branches
    quizzes = db.session.scalars(select(Quiz)).all()
    assert any(quiz.is_published and quiz.item_id and quiz.time_limit_seconds for quiz in quizzes)
    finished = db.session.scalars(select(Attempt).where(Attempt.state == "finished")).all()
    assert len(finished) >= 2
    competitions = db.session.scalars(select(Competition)).all()
    assert any(c.results_published_at for c in competitions)  # a finished one, results out
    assert any(c.display_token and not c.results_published_at for c in competitions)  # running
    assert db.session.scalar(select(func.count()).select_from(Award)) >= 3
    assert db.session.scalar(select(func.count()).select_from(PointEntry)) >= 10
    _has_live_quizzes(db)
    second = _run(app, "lms", "seed-demo")
    assert second.exit_code == 0
    assert "not added" in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == len(users)


def _has_live_quizzes(db) -> None:
    """A round played last week (results, points) and one in its lobby, from a quiz whose
    questions phones can all answer."""
    played, waiting = db.session.scalars(select(LiveSession).order_by(LiveSession.id)).all()
    assert played.state == "finished" and waiting.state == "lobby"
    assert played.finished_at is not None and played.points_awarded_at is not None
    players = db.session.scalars(select(LivePlayer).where(LivePlayer.session_id == played.id))
    scores = sorted((player.score for player in players), reverse=True)
    assert len(scores) == 4 and scores[0] > scores[-1] > 0
    answered = select(func.count()).where(LiveAnswer.session_id == played.id)
    assert db.session.scalar(answered) == 4 * len(played.questions) == 4 * 6
    entries = select(func.count()).where(PointEntry.source_type == awards.SOURCE_TYPE)
    assert db.session.scalar(entries) == 4
    assert {q.version.type for q in waiting.questions} <= set(HOSTED_TYPES)
    assert waiting.quiz_id == played.quiz_id


def test_questions_import_and_export(app, db, tmp_path):
    good = tmp_path / "bank.txt"
    good.write_text("一大在哪里召开？\nA. 北京\nB. 上海\nANSWER: B\n", "utf-8")
    dry = _run(app, "questions", "import", str(good), "--format", "aiken", "--dry-run")
    assert dry.exit_code == 0
    assert "1 questions would be imported" in dry.output
    done = _run(app, "questions", "import", str(good), "--format", "aiken", "--category", "党史")
    assert done.exit_code == 0, done.output
    bad = tmp_path / "bad.txt"
    bad.write_text("Q?\nA. x\nB. y\n\nQ2?\nA. x\nC. y\nANSWER: A\n", "utf-8")
    failed = _run(app, "questions", "import", str(bad), "--format", "aiken")
    assert failed.exit_code == 1
    assert "line 3:" in failed.output
    assert "line 7:" in failed.output
    out = tmp_path / "out.xlsx"
    exported = _run(
        app, "questions", "export", "--format", "xlsx", "--category", "党史", "-o", str(out)
    )
    assert exported.exit_code == 0, exported.output
    assert out.read_bytes()[:2] == b"PK"

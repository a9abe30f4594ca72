"""Publishing results: ranks with shared places, awards for the top N and finishers, points."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from competitions.certificates import certificates_pdf
from competitions.models import Award, Competition, Entry
from competitions.services import integrity, results
from lms.accounts.models import User
from lms.accounts.services import certificate_settings
from lms.core.clock import utcnow
from lms.core.errors import ConflictError, NotFoundError
from lms.core.extensions import db
from lms.points import services as points
from lms.points.models import PointEntry
from tests.factories import UserFactory


def finished_competition(
    standings: list[tuple[str, float, int, int]], *, top_n: int = 3, title: str = "Quiz cup"
) -> tuple[Competition, dict[str, User]]:
    """A competition that ended an hour ago; ``standings``: (username, score, seconds used,
    minutes before the end it was submitted)."""
    now = utcnow()
    competition = Competition(
        title=title,
        is_published=True,
        registration_opens_at=now - timedelta(days=3),
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(hours=1),
        certificate_top_n=top_n,
    )
    db.session.add(competition)
    db.session.flush()
    users = {}
    for username, score, seconds, minutes_before in standings:
        user = UserFactory(username=username)
        users[username] = user
        db.session.add(
            Entry(
                competition_id=competition.id,
                user_id=user.id,
                unit_id=user.unit_id,
                score=score,
                max_score=10.0,
                time_used_seconds=seconds,
                submitted_at=competition.ends_at - timedelta(minutes=minutes_before),
                rounds_done=1,
            )
        )
    db.session.flush()
    return competition, users


def _awards(competition: Competition) -> dict[str, tuple[int, str]]:
    return {
        award.user.username: (award.rank, award.kind)
        for award in results.awards_of_competition(competition)
    }


def test_ranks_follow_score_then_time_then_submission_and_exact_ties_share(
    db: Any, clock: Any
) -> None:
    competition, _users = finished_competition(
        [
            ("slow", 9, 300, 10),
            ("fast", 9, 100, 10),
            ("tie_a", 8, 100, 20),
            ("tie_b", 8, 100, 20),
            ("late", 8, 100, 5),
            ("low", 2, 50, 30),
        ]
    )

    rows = results.result_rows(competition)

    assert [(row.rank, row.name) for row in rows] == [
        (1, "Fast"),
        (2, "Slow"),
        (3, "Tie_A"),
        (3, "Tie_B"),
        (5, "Late"),
        (6, "Low"),
    ]


def test_publishing_gives_top_awards_with_ties_at_the_last_place_and_finisher_awards(
    db: Any, clock: Any
) -> None:
    competition, users = finished_competition(
        [
            ("first", 10, 60, 10),
            ("second", 9, 60, 10),
            ("tie_a", 8, 60, 10),
            ("tie_b", 8, 60, 10),
            ("fifth", 7, 60, 10),
            ("out", 10, 10, 10),
            ("gone", 10, 10, 10),
        ]
    )
    cheater = db.session.scalar(select(Entry).where(Entry.user_id == users["out"].id))
    cheater.disqualified_at = utcnow()
    cheater.disqualified_reason = "Copied"
    users["gone"].is_active = False
    organizer = UserFactory(role="organizer")

    awards = results.publish_results(competition, organizer)

    assert len(awards) == 5
    assert _awards(competition) == {
        "first": (1, "top"),
        "second": (2, "top"),
        "tie_a": (3, "top"),
        "tie_b": (3, "top"),
        "fifth": (5, "finisher"),
    }
    assert competition.results_published_at == utcnow()
    codes = [award.code for award in awards]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == 20 for code in codes)


def test_points_go_to_every_finisher_and_placement_points_to_the_top_only_once(
    db: Any, clock: Any
) -> None:
    competition, users = finished_competition([("winner", 10, 60, 10), ("runner", 5, 60, 10)])
    competition.certificate_top_n = 1
    organizer = UserFactory(role="organizer")

    results.publish_results(competition, organizer)
    db.session.commit()
    results.publish_results(competition, organizer)
    db.session.commit()

    rules = db.session.execute(
        select(PointEntry.user_id, PointEntry.rule, PointEntry.source_type, PointEntry.source_id)
    ).all()
    assert sorted(rules) == sorted(
        [
            (users["winner"].id, "competition_participation", "competition", competition.id),
            (users["winner"].id, "competition_placement", "competition", competition.id),
            (users["runner"].id, "competition_participation", "competition", competition.id),
        ]
    )


def test_publishing_twice_changes_nothing(db: Any, clock: Any) -> None:
    competition, _users = finished_competition([("a", 5, 60, 10), ("b", 4, 60, 10)])
    organizer = UserFactory(role="organizer")
    first = results.publish_results(competition, organizer)
    db.session.commit()
    published_at = competition.results_published_at
    clock.advance(hours=1)

    again = results.publish_results(competition, organizer)

    assert [award.code for award in again] == [award.code for award in first]
    assert competition.results_published_at == published_at
    assert db.session.scalar(select(func.count()).select_from(Award)) == 2


def test_results_cannot_be_published_before_the_end(db: Any, clock: Any) -> None:
    competition, _users = finished_competition([("a", 5, 60, 10)])
    competition.ends_at = utcnow() + timedelta(minutes=1)

    with pytest.raises(ConflictError):
        results.publish_results(competition, UserFactory(role="organizer"))

    assert competition.results_published_at is None
    assert db.session.scalar(select(func.count()).select_from(Award)) == 0


def test_disqualified_rows_are_for_staff_only(db: Any, clock: Any) -> None:
    competition, users = finished_competition([("a", 5, 60, 10), ("b", 9, 60, 10)])
    entry = db.session.scalar(select(Entry).where(Entry.user_id == users["b"].id))
    entry.disqualified_at = utcnow()
    entry.disqualified_reason = "Two devices"

    staff_rows = results.result_rows(competition)
    member_rows = results.result_rows(competition, include_disqualified=False)

    assert [(row.rank, row.name, row.disqualified_reason) for row in staff_rows] == [
        (1, "A", ""),
        (None, "B", "Two devices"),
    ]
    assert [row.name for row in member_rows] == ["A"]


def test_a_member_sees_only_their_own_award_and_staff_every_one(db: Any, clock: Any) -> None:
    competition, users = finished_competition([("a", 5, 60, 10), ("b", 4, 60, 10)])
    results.publish_results(competition, UserFactory(role="organizer"))
    award_of_a = results.award_of(competition, users["a"])

    assert results.get_award(competition, award_of_a.id, users["a"]) is award_of_a
    assert results.get_award(competition, award_of_a.id, UserFactory(role="admin")) is award_of_a
    with pytest.raises(NotFoundError):
        results.get_award(competition, award_of_a.id, users["b"])


def test_member_awards_lists_published_awards_newest_first(db: Any, clock: Any) -> None:
    older, users = finished_competition([("champ", 5, 60, 10)], title="Spring cup")
    results.publish_results(older, UserFactory(role="organizer"))
    clock.advance(days=1)
    newer = Competition(
        title="Autumn cup",
        is_published=True,
        registration_opens_at=utcnow() - timedelta(days=3),
        starts_at=utcnow() - timedelta(days=2),
        ends_at=utcnow() - timedelta(hours=1),
    )
    db.session.add(newer)
    db.session.flush()
    db.session.add(
        Entry(
            competition_id=newer.id,
            user_id=users["champ"].id,
            unit_id=users["champ"].unit_id,
            score=1,
            submitted_at=utcnow() - timedelta(hours=2),
            rounds_done=1,
        )
    )
    results.publish_results(newer, UserFactory(role="organizer"))

    assert [award.competition.title for award in results.member_awards(users["champ"])] == [
        "Autumn cup",
        "Spring cup",
    ]


def test_certificate_pdf_embeds_the_chinese_name_and_title(app: Any, db: Any, clock: Any) -> None:
    competition, users = finished_competition([("zhang", 9, 60, 10)], title="安全知识竞赛")
    users["zhang"].display_name = "张三丰"
    results.publish_results(competition, UserFactory(role="organizer"))
    award = results.award_of(competition, users["zhang"])

    with app.test_request_context():
        document = certificates_pdf(
            [results.certificate(competition, award)],
            title=competition.title,
            settings=certificate_settings.current(),
        )

    reader = PdfReader(io.BytesIO(document))
    text = "".join(reader.pages[0].extract_text().split())
    assert "张三丰" in text
    assert "安全知识竞赛" in text
    assert award.code in text
    font = next(iter(reader.pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    assert "/FontFile2" in descriptor  # the shipped font is embedded


def test_disqualifying_after_publication_withdraws_the_award_and_reinstating_reissues_it(
    db: Any, clock: Any
) -> None:
    competition, users = finished_competition([("winner", 10, 60, 10), ("runner", 5, 60, 10)])
    competition.certificate_top_n = 1
    organizer = UserFactory(role="organizer")
    results.publish_results(competition, organizer)
    db.session.commit()
    winner = users["winner"]
    assert points.total(winner) == 15  # took part (5) and placed (10)
    entry = db.session.scalar(select(Entry).where(Entry.user_id == winner.id))

    integrity.disqualify(entry, "Copied answers", by=organizer)
    db.session.commit()

    assert results.award_of(competition, winner) is None
    assert results.member_awards(winner) == []
    assert points.total(winner) == 0
    reasons = db.session.scalars(
        select(PointEntry.reason).where(PointEntry.user_id == winner.id, PointEntry.points < 0)
    ).all()
    assert reasons and all("Copied answers" in reason for reason in reasons)
    assert _awards(competition) == {"runner": (2, "finisher")}  # the others keep theirs

    integrity.reinstate(entry, "Appeal upheld", by=organizer)
    db.session.commit()

    assert (results.award_of(competition, winner).rank, points.total(winner)) == (1, 15)
    integrity.disqualify(entry, "Copied answers after all", by=organizer)
    db.session.commit()
    assert (results.award_of(competition, winner), points.total(winner)) == (None, 0)

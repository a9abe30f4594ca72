"""Points pages: my points, the leaderboard, the admin page (rules and manual adjustments)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from lms.core.settings import get_setting
from lms.points import services
from lms.points.models import PointAdjustment, PointEntry
from tests.formfill import submit_form


def test_my_points_shows_totals_history_and_rules(
    client: Any, db: Any, member: Any, admin: Any, login_as: Any, clock: Any
) -> None:
    services.award(
        member, "lesson_completed", source_type="course_item", source_id=1, reason="Safety basics"
    )
    services.adjust(member, 5, "Helped <b>organise</b> the fair", by=admin)
    db.session.commit()
    login_as(member)
    page = client.get("/points").get_data(as_text=True)
    assert 'data-testid="points-total">8<' in page  # 2 + 5 + 1 for today's login
    assert "Safety basics" in page
    assert "Helped &lt;b&gt;organise&lt;/b&gt; the fair" in page
    assert 'data-testid="how-to-earn"' in page


def test_the_history_pages(client: Any, db: Any, member: Any, login_as: Any, clock: Any) -> None:
    for n in range(25):
        services.award(
            member, "activity_attended", source_type="activity", source_id=n, reason=f"A{n}"
        )
    db.session.commit()
    login_as(member)
    second = client.get("/points?page=2").get_data(as_text=True)
    assert second.count("<tr>") == 2 + 6 + 7  # 2 headers, 6 entries (25 + login), 7 rules
    assert client.get("/points?page=abc").status_code == 200


def test_leaderboard_page_and_bad_arguments(
    client: Any, db: Any, member: Any, make_user: Any, login_as: Any, clock: Any
) -> None:
    other = make_user(display_name="Zhang Wei")
    services.adjust(other, 30, "Quiz champion", by=member)
    db.session.commit()
    login_as(member)
    page = client.get("/points/leaderboard?period=month&scope=people").get_data(as_text=True)
    assert "Zhang Wei" in page and 'data-testid="my-rank"' in page
    assert client.get("/points/leaderboard?period=year&scope=planets").status_code == 200
    assert client.get("/points/leaderboard?scope=units").status_code == 200


def test_admin_overrides_a_rule(client: Any, db: Any, admin: Any, login_as: Any) -> None:
    login_as(admin)
    assert 'data-testid="rule-daily_login"' in client.get("/admin/points").get_data(as_text=True)
    response = submit_form(
        client,
        "/admin/points",
        {"lesson_completed-points": "4", "lesson_completed-daily_cap": ""},
        form="rule-lesson_completed",
    )
    assert response.status_code == 302
    assert get_setting("points.lesson_completed.points") == 4
    assert get_setting("points.lesson_completed.daily_cap", 20) is None


def test_admin_override_errors_rerender(client: Any, db: Any, admin: Any, login_as: Any) -> None:
    login_as(admin)
    response = submit_form(
        client,
        "/admin/points",
        {"daily_login-points": "5000", "daily_login-daily_cap": "x"},
        form="rule-daily_login",
    )
    assert response.status_code == 200
    assert get_setting("points.daily_login.points") is None
    # by hand: forged rule names (one no form shows, and none at all)
    assert client.post("/admin/points/rules", data={"rule": "manual"}).status_code == 400
    assert client.post("/admin/points/rules", data={}).status_code == 400


def test_admin_finds_a_member_and_adjusts_with_a_reason(
    client: Any, db: Any, admin: Any, make_user: Any, login_as: Any
) -> None:
    target = make_user(username="li_lei", display_name="Li Lei")
    login_as(admin)
    found = client.get("/admin/points?q=lei").get_data(as_text=True)
    assert f"user_id={target.id}" in found
    form = client.get(f"/admin/points?user_id={target.id}").get_data(as_text=True)
    assert 'data-testid="adjust-form"' in form
    chosen = f"/admin/points?user_id={target.id}"
    refused = submit_form(client, chosen, {"points": "-3", "reason": " "}, form="/adjustments")
    assert refused.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(PointAdjustment)) == 0
    done = submit_form(
        client, chosen, {"points": "-3", "reason": "Late for the exam"}, form="/adjustments"
    )
    assert done.status_code == 302
    adjustment = db.session.scalar(select(PointAdjustment))
    assert (adjustment.points, adjustment.by_id, adjustment.reason) == (
        -3,
        admin.id,
        "Late for the exam",
    )
    assert services.total(target) == -3
    assert "Late for the exam" in client.get("/admin/points").get_data(as_text=True)


def test_adjusting_bad_input_never_fails(client: Any, db: Any, admin: Any, login_as: Any) -> None:
    login_as(admin)
    for user_id in ("999", "abc"):  # by hand: a forged hidden user id
        data = {"user_id": user_id, "points": "5", "reason": "x"}
        assert client.post("/admin/points/adjustments", data=data).status_code in (200, 404)
    for points in ("0", "5.5"):
        chosen = f"/admin/points?user_id={admin.id}"
        changes = {"points": points, "reason": "x"}
        assert submit_form(client, chosen, changes, form="/adjustments").status_code == 200
    assert (
        db.session.scalar(
            select(func.count()).select_from(PointEntry).where(PointEntry.rule == "manual")
        )
        == 0
    )


def test_members_cannot_reach_the_admin_page(
    client: Any, db: Any, member: Any, organizer: Any, login_as: Any
) -> None:
    login_as(member)
    assert client.get("/admin/points").status_code == 403
    login_as(organizer)
    # by hand: the page with the form is refused to organizers
    assert client.post("/admin/points/adjustments", data={}).status_code == 403


def test_pages_run_the_same_statements_as_data_grows(
    client: Any,
    db: Any,
    member: Any,
    admin: Any,
    make_user: Any,
    login_as: Any,
    clock: Any,
    count_queries: Any,
) -> None:
    login_as(member)
    client.get("/points")  # today's login point, out of the way

    def statements() -> tuple[int, ...]:
        counts = []
        for url in (
            "/points",
            "/points/leaderboard?period=week",
            "/points/leaderboard?scope=units",
        ):
            with count_queries() as counter:
                assert client.get(url).status_code == 200
            counts.append(counter.count)
        return tuple(counts)

    services.adjust(make_user(), 3, "r", by=admin)
    db.session.commit()
    before = statements()
    for n in range(30):
        services.adjust(make_user(), n + 1, "r", by=admin)
        services.adjust(member, 1, f"r{n}", by=admin)
    db.session.commit()
    assert statements() == before

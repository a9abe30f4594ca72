"""Announcements: who may post where, who is reached, reading, acknowledging, the tallies."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from lms.core.errors import NotFoundError, PermissionDeniedError, ValidationError
from lms.notifications import announcement_queries as queries
from lms.notifications import announcements
from lms.notifications.announcement_export import readers_workbook
from lms.notifications.announcements import AnnouncementDraft
from lms.notifications.models import Delivery, Notification
from tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    """Org > Branch A > Group A1, and Org > Branch B; a leader of Branch A; one member each."""
    org = OrgUnitFactory(name="Org")
    branch_a = OrgUnitFactory(name="A", parent=org)
    group = OrgUnitFactory(name="A1", parent=branch_a)
    branch_b = OrgUnitFactory(name="B", parent=org)
    leader = UserFactory(username="leader", unit=branch_a)
    branch_a.leader = leader
    return {
        "org": org,
        "a": branch_a,
        "a1": group,
        "b": branch_b,
        "leader": leader,
        "in_a1": UserFactory(username="in_a1", unit=group, language="en"),
        "in_b": UserFactory(username="in_b", unit=branch_b),
        "organizer": UserFactory(username="org1", role="organizer", unit=org),
        "admin": UserFactory(username="admin1", role="admin", unit=org),
    }


def test_a_leader_posts_to_their_units_and_below_only(tree: dict[str, Any]) -> None:
    leader = tree["leader"]
    assert {u.path for u in announcements.postable_units(leader) or []} == {"Org/A", "Org/A/A1"}
    with pytest.raises(ValidationError) as refused:
        announcements.publish(leader, AnnouncementDraft("Hi", unit_ids=[tree["b"].id]))
    assert refused.value.field == "unit_ids"
    with pytest.raises(ValidationError):  # a leader never addresses everyone
        announcements.publish(leader, AnnouncementDraft("Hi"))
    sent = announcements.publish(leader, AnnouncementDraft("Hi", unit_ids=[tree["a1"].id]))
    assert [u.path for u in sent.units] == ["Org/A/A1"]


def test_a_member_who_leads_nothing_may_not_post(tree: dict[str, Any]) -> None:
    assert not announcements.can_post(tree["in_b"])
    with pytest.raises(PermissionDeniedError):
        announcements.publish(tree["in_b"], AnnouncementDraft("Hi", unit_ids=[tree["b"].id]))


def test_titles_and_units_are_checked(tree: dict[str, Any]) -> None:
    organizer = tree["organizer"]
    for bad in ("   ", "x" * 201, "bad\x07title"):
        with pytest.raises(ValidationError):
            announcements.publish(organizer, AnnouncementDraft(bad))
    with pytest.raises(ValidationError):
        announcements.publish(organizer, AnnouncementDraft("Hi", unit_ids=[987654]))


def test_an_announcement_reaches_its_units_and_below_and_notifies_once(
    tree: dict[str, Any],
) -> None:
    sent = announcements.publish(
        tree["organizer"], AnnouncementDraft("Safety week", "**Read** it", [tree["a"].id])
    )
    reached = set(announcements.audience_ids(sent))
    assert reached == {tree["leader"].id, tree["in_a1"].id}
    assert announcements.is_addressed_to(tree["in_a1"], sent)
    assert not announcements.is_addressed_to(tree["in_b"], sent)
    assert [i.announcement.id for i in queries.for_reader(tree["in_a1"]).items] == [sent.id]
    assert queries.for_reader(tree["in_b"]).items == []
    notes = {
        n.user_id: n
        for n in announcements.db.session.scalars(
            select(Notification).where(Notification.key == f"announcement:{sent.id}")
        )
    }
    assert set(notes) == reached
    assert notes[tree["in_a1"].id].title == "Announcement: Safety week"  # the reader's language
    assert notes[tree["leader"].id].title.endswith("Safety week")
    assert notes[tree["in_a1"].id].url == f"/announcements/{sent.id}"


def test_everyone_without_units_and_the_author_is_not_notified(tree: dict[str, Any]) -> None:
    sent = announcements.publish(tree["admin"], AnnouncementDraft("For all"))
    assert set(announcements.audience_ids(sent)) >= {tree["in_b"].id, tree["admin"].id}
    assert announcements.is_addressed_to(tree["in_b"], sent)
    notified = set(
        announcements.db.session.scalars(
            select(Notification.user_id).where(Notification.key == f"announcement:{sent.id}")
        )
    )
    assert tree["admin"].id not in notified and tree["in_b"].id in notified


def test_reading_and_acknowledging_are_recorded_once(tree: dict[str, Any], clock: Any) -> None:
    sent = announcements.publish(
        tree["organizer"], AnnouncementDraft("Sign", unit_ids=[tree["a"].id], requires_ack=True)
    )
    reader = tree["in_a1"]
    note = announcements.db.session.scalars(
        select(Notification).where(Notification.user_id == reader.id)
    ).one()
    assert note.read_at is None
    first = announcements.mark_read(reader, sent)
    assert first is not None
    announcements.db.session.refresh(note)
    assert note.read_at == first.read_at  # opening the notice clears its notification
    clock.advance(minutes=5)
    assert announcements.mark_read(reader, sent).read_at == first.read_at
    acked = announcements.acknowledge(reader, sent)
    when = acked.acknowledged_at
    clock.advance(minutes=5)
    assert announcements.acknowledge(reader, sent).acknowledged_at == when
    assert announcements.mark_read(tree["in_b"], sent) is None
    with pytest.raises(NotFoundError):
        announcements.acknowledge(tree["in_b"], sent)
    assert queries.tally(sent) == queries.Tally(audience=2, read=1, acknowledged=1)


def test_acknowledging_a_plain_notice_is_refused(tree: dict[str, Any]) -> None:
    sent = announcements.publish(tree["organizer"], AnnouncementDraft("Plain"))
    with pytest.raises(ValidationError):
        announcements.acknowledge(tree["in_b"], sent)


def test_home_shows_pinned_unread_and_awaiting_ack(tree: dict[str, Any], clock: Any) -> None:
    organizer, reader = tree["organizer"], tree["in_b"]
    pinned = announcements.publish(organizer, AnnouncementDraft("Pinned", is_pinned=True))
    clock.advance(minutes=1)
    read = announcements.publish(organizer, AnnouncementDraft("Read"))
    clock.advance(minutes=1)
    ack = announcements.publish(organizer, AnnouncementDraft("Ack", requires_ack=True))
    for announcement in (pinned, read, ack):
        announcements.mark_read(reader, announcement)
    home = [item.announcement.title for item in queries.for_home(reader)]
    assert home == ["Pinned", "Ack"]
    full = [item.announcement.title for item in queries.for_reader(reader).items]
    assert full == ["Pinned", "Ack", "Read"]


def test_readers_by_unit_filters_and_export(tree: dict[str, Any]) -> None:
    sent = announcements.publish(
        tree["admin"], AnnouncementDraft("Count", unit_ids=[tree["a"].id], requires_ack=True)
    )
    announcements.acknowledge(tree["in_a1"], sent)
    units = {row.unit: row.tally for row in queries.by_unit(sent)}
    assert units == {
        "Org/A": queries.Tally(1, 0, 0),
        "Org/A/A1": queries.Tally(1, 1, 1),
    }
    unread = queries.readers(sent, status="unread")
    assert [row.username for row in unread] == ["leader"]
    in_group = queries.readers(sent, unit_id=tree["a1"].id)
    assert [row.username for row in in_group] == ["in_a1"]
    sheets = readers_workbook(sent, "Asia/Shanghai")
    assert [len(rows) for _title, _header, rows in sheets] == [2, 2]


def test_only_the_author_or_an_admin_manages(tree: dict[str, Any]) -> None:
    sent = announcements.publish(tree["organizer"], AnnouncementDraft("Mine"))
    assert announcements.get_managed(tree["admin"], sent.id) is sent
    with pytest.raises(NotFoundError):
        announcements.get_managed(tree["leader"], sent.id)
    with pytest.raises(PermissionDeniedError):
        announcements.update(tree["leader"], sent, AnnouncementDraft("Theirs"))
    announcements.update(tree["organizer"], sent, AnnouncementDraft("Changed", is_pinned=True))
    assert sent.title == "Changed" and sent.is_pinned
    assert [i.announcement.id for i in queries.managed_by(tree["organizer"]).items] == [sent.id]
    assert queries.managed_by(tree["leader"]).items == []
    announcements.withdraw(tree["admin"], sent)
    with pytest.raises(NotFoundError):
        announcements.get_for(tree["in_b"], sent.id)


def test_withdrawing_takes_the_readers_notifications_and_unsent_emails_along(
    tree: dict[str, Any],
) -> None:
    kept = announcements.publish(
        tree["organizer"], AnnouncementDraft("Kept", unit_ids=[tree["a"].id])
    )
    gone = announcements.publish(
        tree["organizer"], AnnouncementDraft("Gone", unit_ids=[tree["a"].id])
    )
    session = announcements.db.session
    session.add(Delivery(key="email:test", channel="email", notification_id=_note(gone).id))
    session.commit()
    announcements.withdraw(tree["organizer"], gone)
    session.commit()
    keys = set(session.scalars(select(Notification.key)))
    assert f"announcement:{kept.id}" in keys and f"announcement:{gone.id}" not in keys
    assert session.scalars(select(Delivery).where(Delivery.key == "email:test")).all() == []


def _note(announcement: Any) -> Notification:
    return announcements.db.session.scalars(
        select(Notification).where(Notification.key == f"announcement:{announcement.id}")
    ).first()

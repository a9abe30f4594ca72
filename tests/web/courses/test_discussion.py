"""Lesson discussions: post, edit and delete one's own, hide with a reason, pages and order."""

from __future__ import annotations

from courses.models import Comment
from tests.courses_factories import make_course
from tests.factories import UserFactory
from tests.formfill import submit_form

EN = {"Accept-Language": "en"}


def _comment(client, item_id: int, body: str, **kwargs):
    """Post a comment with the form under the lesson."""
    url = f"/lessons/{item_id}"
    return submit_form(client, url, {"body": body}, form=f"{url}/comments", **kwargs)


def _setup(db):
    course = make_course(modules=((5,),))
    item = course.modules[0].items[0]
    author, other = UserFactory(display_name="Author"), UserFactory(display_name="Other")
    organizer = UserFactory(role="organizer")
    db.session.commit()
    return item, author, other, organizer


def test_post_edit_delete_own(client, db, login_as):
    item, author, other, _organizer = _setup(db)
    login_as(author)
    _comment(client, item.id, "**Good** <script>x()</script> [a](javascript:alert(1))")
    page = client.get(f"/lessons/{item.id}").get_data(as_text=True)
    assert "<strong>Good</strong>" in page
    assert "<script>x()" not in page
    assert "javascript:alert" not in page
    comment = db.session.query(Comment).one()
    submit_form(client, f"/comments/{comment.id}/edit", {"body": "Changed"})
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body_md == "Changed"
    assert db.session.get(Comment, comment.id).edited_at is not None

    login_as(other)
    # by hand: another member's comment shows them no edit link and no delete button
    client.post(f"/comments/{comment.id}/edit", data={"body": "Hacked"})
    client.post(f"/comments/{comment.id}/delete")
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).body_md == "Changed"

    login_as(author)
    lesson = f"/lessons/{item.id}"
    submit_form(client, lesson, form=f"/comments/{comment.id}/delete")
    assert db.session.query(Comment).count() == 0


def test_empty_comment_is_refused(client, db, login_as):
    item, author, *_ = _setup(db)
    login_as(author)
    response = _comment(client, item.id, "  ", headers=EN, follow_redirects=True)
    assert "flash-error" in response.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_hiding_needs_staff_and_a_reason(client, db, login_as):
    item, author, other, organizer = _setup(db)
    login_as(author)
    _comment(client, item.id, "Off-topic advert")
    comment = db.session.query(Comment).one()
    login_as(other)
    # by hand: members are shown no hide form
    assert client.post(f"/comments/{comment.id}/hide", data={"reason": "x"}).status_code == 403
    login_as(organizer)
    lesson, hide = f"/lessons/{item.id}", f"/comments/{comment.id}/hide"
    submit_form(client, lesson, {"reason": ""}, form=hide)  # past the browser's `required`
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).hidden_at is None
    submit_form(client, lesson, {"reason": "Advertising"}, form=hide)
    staff_view = client.get(f"/lessons/{item.id}", headers=EN).get_data(as_text=True)
    assert "Hidden from members: Advertising" in staff_view
    login_as(other)
    member_view = client.get(f"/lessons/{item.id}", headers=EN).get_data(as_text=True)
    assert "Off-topic advert" not in member_view
    assert "hidden by an organizer" in member_view
    login_as(author)
    assert "Reason: Advertising" in client.get(f"/lessons/{item.id}", headers=EN).get_data(
        as_text=True
    )


def test_pages_and_order(client, db, login_as, clock):
    item, author, *_ = _setup(db)
    login_as(author)
    for n in range(25):
        clock.advance(minutes=1)
        _comment(client, item.id, f"comment number {n:02d}")
    newest = client.get(f"/lessons/{item.id}").get_data(as_text=True)
    assert newest.index("comment number 24") < newest.index("comment number 05")
    assert "comment number 04" not in newest
    oldest = client.get(f"/lessons/{item.id}?order=oldest&page=2").get_data(as_text=True)
    assert "comment number 20" in oldest
    assert "comment number 19" not in oldest


def test_lesson_page_queries_do_not_grow_with_comments(client, db, login_as, count_queries):
    item, author, *_ = _setup(db)
    login_as(author)
    client.get(f"/lessons/{item.id}")

    def queries() -> int:
        with count_queries() as counter:
            client.get(f"/lessons/{item.id}")
        return counter.count

    for n in range(3):
        db.session.add(Comment(item_id=item.id, user_id=UserFactory().id, body_md=f"c{n}"))
    db.session.commit()
    few = queries()
    for n in range(30):
        db.session.add(Comment(item_id=item.id, user_id=UserFactory().id, body_md=f"d{n}"))
    db.session.commit()
    assert queries() == few

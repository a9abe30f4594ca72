"""Quiz results, exports, statistics, the manual grading queue and regrading, by page."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from question_bank.services import questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Attempt
from quizzes.services import answers, attempts, authoring
from quizzes.services.presentation import attempt_view
from tests.factories import OrgUnitFactory, UserFactory
from tests.formfill import submit_form
from tests.quiz_factories import make_bank, make_quiz, right_answer


def _take(member, quiz, *, right: bool) -> Attempt:
    attempt = attempts.start(member, quiz)
    if right:
        for item in attempt_view(attempt, member)["items"]:
            answers.save_answer(attempt, item["slot"], right_answer(item), 1)
    attempts.submit(attempt)
    return attempt


def _world(db):
    """Org > North > Team and Org > South; a true/false quiz passed by half of its takers."""
    org = OrgUnitFactory(name="Org")
    north = OrgUnitFactory(name="North", parent=org)
    team = OrgUnitFactory(name="Team", parent=north)
    south = OrgUnitFactory(name="South", parent=org)
    quiz = make_quiz(make_bank(types=("true_false",)), pass_percent=60.0, max_attempts=None)
    people = {
        "ann": UserFactory(username="ann", display_name="Ann North", unit=north),
        "tom": UserFactory(username="tom", display_name="Tom Team", unit=team),
        "sue": UserFactory(username="sue", display_name="Sue South", unit=south),
    }
    _take(people["ann"], quiz, right=True)
    _take(people["tom"], quiz, right=False)
    _take(people["tom"], quiz, right=True)  # highest counts: Tom passes on his second try
    _take(people["sue"], quiz, right=False)
    leader = UserFactory(username="lead", unit=org)
    north.leader = leader
    db.session.commit()
    return {"quiz": quiz, "north": north, "team": team, "south": south, "leader": leader, **people}


def _url(quiz, path="results", **args) -> str:
    query = "&".join(f"{key}={value}" for key, value in args.items())
    return f"/manage/quizzes/{quiz.id}/{path}" + (f"?{query}" if query else "")


def test_staff_see_every_member_with_the_counted_grade_and_unit_summaries(
    client, db, login_as, organizer
):
    world = _world(db)
    organizer.language = "en"  # the page's words are checked in English
    login_as(organizer)
    page = client.get(_url(world["quiz"])).get_data(as_text=True)
    assert page.count('data-testid="result-row"') == 3
    assert "Tom Team" in page and "Sue South" in page
    tom_row = page.split("Tom Team")[1].split("</tr>")[0]
    assert "2 / 2" in tom_row and "Yes" in tom_row
    assert ">2</td>" in tom_row  # two attempts
    assert 'data-testid="stat-pass-rate">67%' in page
    units = page.split('data-testid="unit-table"')[1].split("</table>")[0]
    assert "Org/North/Team" in units and "Org/South" in units


def test_filters_narrow_the_rows(client, db, login_as, organizer):
    world = _world(db)
    login_as(organizer)

    def names(**args) -> set[str]:
        page = client.get(_url(world["quiz"], **args)).get_data(as_text=True)
        return {n for n in ("Ann North", "Tom Team", "Sue South") if n in page}

    assert names(unit=world["north"].id) == {"Ann North", "Tom Team"}
    assert names(outcome="failed") == {"Sue South"}
    assert names(outcome="passed") == {"Ann North", "Tom Team"}
    assert names(q="team") == {"Tom Team"}
    assert names(q="%") == set()
    assert client.get(_url(world["quiz"], unit="x", outcome="odd", page=99)).status_code == 200


def test_a_leader_sees_only_their_subtree_and_a_member_nothing(client, db, login_as):
    world = _world(db)
    login_as(world["leader"])  # leads North, sits in Org
    page = client.get(_url(world["quiz"])).get_data(as_text=True)
    assert "Ann North" in page and "Tom Team" in page
    assert "Sue South" not in page
    assert "Org/South" not in page  # not even in the unit filter
    assert client.get(_url(world["quiz"], "statistics")).status_code == 403
    assert client.get(_url(world["quiz"], "grading")).status_code == 403
    export = client.get(_url(world["quiz"], "results.csv")).get_data(as_text=True)
    assert "Tom Team" in export and "Sue South" not in export

    login_as(world["sue"])
    assert client.get(_url(world["quiz"])).status_code == 403
    assert client.get(_url(world["quiz"], "results.xlsx")).status_code == 403
    assert client.get(_url(world["quiz"], "statistics")).status_code == 403
    # By hand: no page offers a member the regrade form; the route refuses it too.
    assert client.post(_url(world["quiz"], "regrade")).status_code == 403


def test_the_results_page_runs_the_same_queries_for_2_or_50_members(
    client, db, login_as, organizer, count_queries
):
    quiz = make_quiz(make_bank(types=("true_false",)))
    unit = OrgUnitFactory(name="Many")
    for n in range(50):
        _take(UserFactory(unit=unit), quiz, right=n % 2 == 0)
        if n == 1:
            db.session.commit()
            login_as(organizer)
            client.get(_url(quiz))  # the first request of a session also loads more
            with count_queries() as few:
                assert client.get(_url(quiz)).status_code == 200
    db.session.commit()
    client.get(_url(quiz))
    with count_queries() as many:
        page = client.get(_url(quiz)).get_data(as_text=True)
    assert 'data-testid="stat-participants">50<' in page
    assert many.count == few.count, (few.statements, many.statements)


def test_exports_neutralise_formulas(client, db, login_as, organizer):
    quiz = make_quiz(make_bank(types=("true_false",)))
    evil = UserFactory(username="evil", display_name='=HYPERLINK("http://x","y")')
    _take(evil, quiz, right=True)
    db.session.commit()
    login_as(organizer)

    response = client.get(_url(quiz, "results.csv"))
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == '\'=HYPERLINK("http://x","y")'
    assert rows[1][1] == "evil"

    response = client.get(_url(quiz, "results.xlsx"))
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x","y")'
    assert sheet["E2"].value == 2.0  # the grade, a number
    assert client.get(_url(quiz, "results.pdf")).status_code == 404


def test_statistics_page_draws_the_histogram_and_marks_the_right_option(
    client, db, login_as, organizer
):
    quiz = make_quiz(make_bank(types=("single_choice",)))
    for right in (True, False, True):
        _take(UserFactory(), quiz, right=right)
    db.session.commit()
    login_as(organizer)
    page = client.get(_url(quiz, "statistics")).get_data(as_text=True)
    assert '<svg viewBox="0 0 620 250"' in page
    assert page.count("<rect x=") == 10
    assert 'data-testid="histogram-table"' in page
    assert "Moodle" in page  # says which discrimination index it is
    options = page.split('data-testid="option-distribution"')[1]
    assert '<tr data-correct="true">\n      <td>Paris' in options
    assert client.get("/manage/quizzes/999999/statistics").status_code == 404


def _short_answer_quiz(db, member):
    quiz = make_quiz(make_bank(types=("short_answer", "true_false")))
    attempt = attempts.start(member, quiz)
    for item in attempt_view(attempt, member)["items"]:
        answers.save_answer(attempt, item["slot"], right_answer(item), 1)
    attempts.submit(attempt)
    db.session.commit()
    item = next(i for i in attempt.items if i.version.type == "short_answer")
    return quiz, attempt, item


def test_grading_an_answer_updates_the_attempt_total(
    client, db, login_as, organizer, member, csrf_enabled
):
    quiz, attempt, item = _short_answer_quiz(db, member)
    assert attempt.needs_grading and attempt.score == 2.0
    login_as(organizer)
    page = client.get(_url(quiz, "grading")).get_data(as_text=True)
    assert "It is a short test." in page and "A test." in page  # response and reference
    assert page.count('data-testid="grading-answer"') == 1

    mark, comment, form = f"a{item.id}-mark", f"a{item.id}-comment", f"grading/{item.id}"
    # Above the field's max, which a browser checks first: this proves the server's own check.
    refused = submit_form(client, _url(quiz, "grading"), {mark: "5"}, form=form)
    assert refused.status_code == 200
    assert "field-errors" in refused.get_data(as_text=True)
    db.session.refresh(attempt)
    assert attempt.needs_grading

    saved = submit_form(client, _url(quiz, "grading"), {mark: "1.5", comment: "Nearly"}, form=form)
    assert saved.status_code == 302
    db.session.refresh(attempt)
    db.session.refresh(item)
    assert (item.score, item.comment, item.graded_by_id) == (1.5, "Nearly", organizer.id)
    assert attempt.score == 3.5 and not attempt.needs_grading
    assert 'data-testid="queue-empty"' in client.get(_url(quiz, "grading")).get_data(as_text=True)

    graded = client.get(_url(quiz, "grading", show="all")).get_data(as_text=True)
    assert 'value="1.5"' in graded and "Nearly" in graded
    submit_form(client, _url(quiz, "grading", show="all"), {mark: "2", comment: ""}, form=form)
    db.session.refresh(attempt)
    assert attempt.score == 4.0


def test_an_answer_of_another_quiz_is_not_found(client, db, login_as, organizer, member):
    _quiz, _attempt, item = _short_answer_quiz(db, member)
    other = make_quiz(make_bank("Other", types=("true_false",)))
    db.session.commit()
    login_as(organizer)
    # By hand: an answer id under another quiz, which no page links.
    response = client.post(_url(other, f"grading/{item.id}"), data={f"a{item.id}-mark": "1"})
    assert response.status_code == 404


def test_regrade_to_the_current_versions_reports_the_changed_attempts(
    client, db, login_as, organizer, csrf_enabled
):
    bank = make_bank(types=("true_false",))
    quiz = make_quiz(bank)
    right = _take(UserFactory(display_name="Right Rita"), quiz, right=True)
    wrong = attempts.start(UserFactory(display_name="Wrong Will"), quiz)
    answers.save_answer(wrong, 1, False, 1)
    attempts.submit(wrong)
    # The answer key was wrong: the statement is false after all.
    questions.edit_question(
        bank[0],
        QuestionContent(
            type="true_false", stem_md="The sky is blue.", definition={"correct": False}
        ),
    )
    organizer.language = "en"  # the page's words are checked in English
    db.session.commit()
    login_as(organizer)

    confirm = client.get(_url(quiz, "regrade")).get_data(as_text=True)
    assert "2 finished attempts" in confirm
    same = submit_form(client, _url(quiz, "regrade")).get_data(as_text=True)
    assert "0 attempts changed score" in same  # the versions they saw are unchanged

    report = submit_form(client, _url(quiz, "regrade"), {"current_versions": True})
    page = report.get_data(as_text=True)
    assert page.count('data-testid="regrade-change"') == 2
    rita = page.split("Right Rita")[1].split("</tr>")[0]
    assert "<td>2</td>" in rita and "<td>0 / 2</td>" in rita
    db.session.refresh(right)
    db.session.refresh(wrong)
    assert (right.score, wrong.score) == (0.0, 2.0)


def test_without_a_pass_mark_results_and_exports_show_no_pass_figures(
    client, db, login_as, organizer
):
    """A quiz with no pass mark: 40 % is no "✓ passed" and there is no "pass rate 100 %"."""
    bank = make_bank(types=("single_choice", "multiple_choice", "true_false", "fill_blank"))
    bank += make_bank("Other", types=("numerical",))
    quiz = make_quiz(bank, pass_percent=None)
    member = UserFactory(username="lin", display_name="Lin Forty")
    attempt = attempts.start(member, quiz)
    for item in attempt_view(attempt, member)["items"][:2]:
        answers.save_answer(attempt, item["slot"], right_answer(item), 1)
    attempts.submit(attempt)
    db.session.commit()
    assert attempt.percent == 40
    organizer.language = "en"
    login_as(organizer)

    page = client.get(_url(quiz)).get_data(as_text=True)
    assert "Lin Forty" in page and "(40.0%)" in page
    assert "stat-pass-rate" not in page and "Pass rate" not in page
    assert "no pass mark" in page and "✓" not in page and "Passed" not in page
    assert 'name="outcome"' not in page
    assert "Lin Forty" in client.get(_url(quiz, outcome="failed")).get_data(as_text=True)
    exported = client.get(_url(quiz, "results.csv")).get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(exported)))
    assert "Passed" not in rows[0] and "Yes" not in rows[1]
    sheet = load_workbook(io.BytesIO(client.get(_url(quiz, "results.xlsx")).data)).active
    assert "Passed" not in [cell.value for cell in sheet[1]]

    quiz.pass_percent = 50.0
    db.session.commit()
    page = client.get(_url(quiz)).get_data(as_text=True)
    assert 'data-testid="stat-pass-rate">0%' in page and "✗" in page


def test_results_of_a_draft_quiz_are_only_for_its_managers(client, db, login_as, organizer, admin):
    """A unit leader sees the results of a published quiz for their units, and nothing of a
    draft (404, as members find no draft); organizers and admins see both."""
    world = _world(db)
    draft = world["quiz"]
    authoring.set_published(draft, False)
    published = make_quiz(make_bank("Published bank", types=("true_false",)))
    _take(world["ann"], published, right=True)
    db.session.commit()
    paths = ("results", "results.csv", "results.xlsx")

    def statuses(user, quiz) -> list[int]:
        login_as(user)
        return [client.get(_url(quiz, path)).status_code for path in paths]

    assert statuses(world["leader"], draft) == [404, 404, 404]
    assert statuses(world["leader"], published) == [200, 200, 200]
    assert statuses(world["sue"], draft) == [403, 403, 403]  # a member leads nothing
    assert statuses(organizer, draft) == [200, 200, 200]
    assert statuses(admin, draft) == [200, 200, 200]
    submit_form(client, "/", form="/logout")
    with client.session_transaction() as session:
        session.clear()
    assert all(client.get(_url(draft, path)).status_code == 302 for path in paths)

"""Stage rounds: required, buzzer (fouls, first buzz wins) and risk questions, judges' marks
with the head judge deciding a disagreement, adjustments with a reason, undo and freeze."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from live.models import LiveState, QuestionKind
from live.services import joining, questions, stage, stage_scoring, stage_state
from live.stage_models import ScoreEvent
from lms.core.errors import ConflictError, PermissionDeniedError, ValidationError
from question_bank.render import correct_answer_text
from tests.factories import OrgUnitFactory, UserFactory
from tests.quiz_factories import make_bank
from tests.unit.live.stage_helpers import go_to, make_stage


def scores(session):
    return {row.name: row.score for row in stage_scoring.team_scores(session)}


def test_setup_gives_rounds_their_kinds_and_required_questions_to_teams_in_turn(db):
    s = make_stage(db)
    kinds = [(q.kind, q.team_id) for q in s.session.questions]
    assert kinds == [
        (QuestionKind.REQUIRED, s.red.id),
        (QuestionKind.REQUIRED, s.blue.id),
        (QuestionKind.BUZZER, None),
        (QuestionKind.RISK, s.red.id),
    ]
    assert [j.user.username for j in stage_scoring.judges_of(s.session)] == [
        "headjudge",
        "judge2",
    ]
    assert stage_scoring.judges_of(s.session)[0].is_head


@pytest.mark.parametrize(
    ("plan", "field"),
    [
        ({"judges": ["nobody"]}, "judges"),
        ({"judges": []}, "judges"),
        ({"team_names": ["Only"]}, "teams"),
        ({"team_names": ["Same", "same"]}, "teams"),
        ({"required_ids": [], "buzzer_ids": [], "risk_ids": []}, "required_ids"),
        ({"foul_penalty": 5000}, "foul_penalty"),
        ({"risk_values": []}, "risk_values"),
    ],
)
def test_setup_refuses_bad_plans_on_their_field(db, plan, field):
    with pytest.raises(ValidationError) as refused:
        make_stage(db, **plan)
    assert refused.value.field == field


def test_required_answer_is_settled_when_all_judges_agree(db):
    s = make_stage(db)
    go_to(s.session, 0)
    stage.mark(s.session, s.head, "right")
    assert (
        stage_scoring.turn_of(s.session, 0).verdict is None
    )  # the second judge has not marked yet
    assert scores(s.session) == {"Red": 0, "Blue": 0}
    stage.mark(s.session, s.judge, "right")
    assert scores(s.session) == {"Red": 10, "Blue": 0}
    with pytest.raises(ConflictError):
        stage.mark(s.session, s.judge, "wrong")


def test_a_disagreement_waits_for_the_head_judge(db):
    s = make_stage(db)
    go_to(s.session, 1)  # Blue's required question
    stage.mark(s.session, s.head, "right")
    stage.mark(s.session, s.judge, "wrong")
    turn = stage_scoring.turn_of(s.session, 1)
    state = stage_scoring.mark_state(s.session, turn)
    assert state.disagreement and state.settled is None
    assert scores(s.session)["Blue"] == 0
    with pytest.raises(PermissionDeniedError):
        stage.mark(s.session, s.judge, "right", decide=True)
    stage.mark(s.session, s.head, "wrong", decide=True)
    assert stage_scoring.turn_of(s.session, 1).verdict == "wrong"
    events = stage_scoring.log_of(s.session)
    assert [(e.kind, e.delta, e.team_id) for e in events] == [("required", 0, s.blue.id)]


def test_only_judges_mark(db):
    s = make_stage(db)
    go_to(s.session, 0)
    with pytest.raises(PermissionDeniedError):
        stage.mark(s.session, s.host, "right")


def test_buzz_before_opening_is_a_foul_and_the_first_clean_buzz_wins(db):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 2)
    early = stage.buzz(s.session, s.red_player)
    assert early.is_foul and early.order is None
    assert scores(s.session) == {"Red": -5, "Blue": 0}
    stage.buzz(s.session, s.red_player)  # a second early buzz costs nothing more
    assert scores(s.session)["Red"] == -5
    stage.open_buzzing(s.session)
    red_late = stage.buzz(s.session, s.red_player)
    blue = stage.buzz(s.session, s.blue_player)
    assert (red_late.order, blue.order) == (1, 2)
    # Red fouled on this question, so Blue wins the turn though it buzzed second.
    assert stage_state.buzz_winner(s.session, 2).team_id == s.blue.id
    assert stage_scoring.turn_of(s.session, 2).team_id == s.blue.id
    stage.mark(s.session, s.head, "wrong")
    assert scores(s.session) == {"Red": -5, "Blue": -10}


def test_first_buzz_wins_and_a_right_buzzer_answer_scores(db):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 2)
    stage.open_buzzing(s.session)
    assert stage.buzz(s.session, s.blue_player).order == 1
    assert stage.buzz(s.session, s.red_player).order == 2
    assert stage_scoring.turn_of(s.session, 2).team_id == s.blue.id
    stage.mark(s.session, s.head, "right")
    assert scores(s.session) == {"Red": 0, "Blue": 10}


def test_risk_value_is_added_when_right_and_deducted_when_wrong(db):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 3)  # Red's risk question
    with pytest.raises(ConflictError):
        stage.mark(s.session, s.head, "right")  # no value picked yet
    with pytest.raises(ConflictError):
        stage.pick_risk(s.session, s.blue, 20)  # not Blue's turn
    with pytest.raises(ValidationError):
        stage.pick_risk(s.session, s.red, 25)
    stage.pick_risk(s.session, s.red, 30)
    stage.mark(s.session, s.head, "wrong")
    assert scores(s.session)["Red"] == -30
    stage.undo_last(s.session, s.host)
    assert scores(s.session)["Red"] == 0
    stage.mark(s.session, s.head, "right")  # marked afresh after the undo
    assert scores(s.session)["Red"] == 30


def test_undo_takes_back_the_last_action_and_keeps_it_in_the_log(db):
    s = make_stage(db, judge_count=1)
    stage.adjust(s.session, s.blue, 7, "Bonus for teamwork", s.host)
    go_to(s.session, 0)
    stage.mark(s.session, s.head, "right")
    assert scores(s.session) == {"Red": 10, "Blue": 7}
    undone = stage_scoring.undo_last(s.session, s.host)
    assert undone.kind == "required" and undone.undone_by_id == s.host.id
    assert scores(s.session) == {"Red": 0, "Blue": 7}
    assert stage_scoring.turn_of(s.session, 0).verdict is None
    stage_scoring.undo_last(s.session, s.host)
    assert scores(s.session) == {"Red": 0, "Blue": 0}
    with pytest.raises(ConflictError):
        stage_scoring.undo_last(s.session, s.host)
    assert db.session.query(ScoreEvent).count() == 2  # nothing is deleted


def test_an_adjustment_needs_a_reason_and_points(db):
    s = make_stage(db)
    with pytest.raises(ValidationError) as no_reason:
        stage.adjust(s.session, s.red, 5, "  ", s.host)
    assert no_reason.value.field == "reason"
    with pytest.raises(ValidationError) as no_points:
        stage.adjust(s.session, s.red, 0, "why", s.host)
    assert no_points.value.field == "delta"


def test_freeze_keeps_the_big_screen_still_until_revealed(db):
    s = make_stage(db, judge_count=1)
    stage.adjust(s.session, s.red, 5, "Warm-up", s.host)
    stage.freeze(s.session)
    stage.adjust(s.session, s.blue, 20, "Late surge", s.host)
    public = {r["name"]: r["score"] for r in stage_state.screen_state(s.session)["scores"]}
    assert public == {"Red": 5, "Blue": 0}
    assert scores(s.session) == {"Red": 5, "Blue": 20}  # the consoles see the live scores
    with pytest.raises(ConflictError):
        stage.freeze(s.session)
    stage.reveal(s.session)
    public = {r["name"]: r["score"] for r in stage_state.screen_state(s.session)["scores"]}
    assert public == {"Blue": 20, "Red": 5}


def test_the_screen_shows_no_answer_before_the_host_shows_it(db):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 0)
    assert stage_state.screen_state(s.session)["question"]["answer"] is None
    stage.show_answer(s.session)
    assert s.session.state == LiveState.REVEAL
    assert stage_state.screen_state(s.session)["question"]["answer"]


def test_next_after_the_last_question_finishes_and_changes_bump_the_version(db):
    s = make_stage(db, judge_count=1)
    before = s.session.version
    go_to(s.session, 3)
    assert s.session.version > before
    stage.next_question(s.session)
    assert s.session.state == LiveState.FINISHED
    assert s.session.points_awarded_at is not None
    with pytest.raises(ConflictError):
        stage.next_question(s.session)


def test_the_answering_team_may_answer_once_on_a_phone_and_the_judges_see_it(db):
    s = make_stage(db, judge_count=1)
    go_to(s.session, 0)  # Red's required question
    question = stage_scoring.current_question(s.session)
    right = next(
        c["id"]
        for c in questions.options_view(question)
        if c["text_html"] == correct_answer_text(question.version)
    )
    with pytest.raises(ConflictError):
        stage.answer_on_device(s.session, s.blue_player, right)
    stage.answer_on_device(s.session, s.red_player, right)
    seen = stage_state.device_answer(s.session, question)
    assert seen is not None and seen.is_correct and seen.by == s.red_player.nickname
    with pytest.raises(ConflictError):
        stage.answer_on_device(s.session, s.red_player, right)
    assert scores(s.session)["Red"] == 0  # the judges still decide


def test_teams_may_be_the_organisations_branches_and_players_play_for_theirs(db):
    root = OrgUnitFactory(name="Org")
    east, west = OrgUnitFactory(name="East", parent=root), OrgUnitFactory(name="West", parent=root)
    host = UserFactory(username="unithost", role="organizer")
    UserFactory(username="unitjudge")
    ids = [q.id for q in make_bank("Unit bank")[:2]]
    session = stage.create_stage(
        host,
        stage.StagePlan(title="Branches", team_depth=2, judges=["unitjudge"], required_ids=ids),
    )
    assert sorted(t.unit_id for t in session.teams) == sorted([east.id, west.id])
    player = joining.join(session.pin, user=UserFactory(unit=west))
    assert player.team.unit_id == west.id
    other = next(t for t in session.teams if t.unit_id == east.id)
    with pytest.raises(ConflictError):
        stage.choose_team(session, player, other)


def test_the_database_keeps_one_standing_foul_per_team_and_question(db):
    s = make_stage(db, judge_count=1)
    first = ScoreEvent(session_id=s.session.id, team_id=s.red.id, delta=-5, kind="foul",
                       question_index=2)  # fmt: skip
    db.session.add(first)
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(ScoreEvent(session_id=s.session.id, team_id=s.red.id, delta=-5,
                                  kind="foul", question_index=2))  # fmt: skip
    first.undone_at = first.created_at  # an undone foul no longer counts
    db.session.add(ScoreEvent(session_id=s.session.id, team_id=s.red.id, delta=-5, kind="foul",
                              question_index=2))  # fmt: skip
    db.session.flush()


def test_a_next_sent_twice_moves_once(db):
    """The host's page sends the question it showed: a second "next" from the same page (a
    double click, a page reloading under the click) skips no question."""
    s = make_stage(db, judge_count=1)
    stage.next_question(s.session, after=-1)  # from the lobby
    assert s.session.current_index == 0
    version = s.session.version
    with pytest.raises(ConflictError) as again:
        stage.next_question(s.session, after=-1)
    assert again.value.code == "moved_on"
    assert (s.session.current_index, s.session.version) == (0, version)
    stage.next_question(s.session, after=0)
    assert s.session.current_index == 1


def test_an_undo_sent_twice_undoes_once(db):
    s = make_stage(db, judge_count=1)
    stage.adjust(s.session, s.blue, 7, "Bonus for teamwork", s.host)
    stage.adjust(s.session, s.red, 5, "Quick answer", s.host)
    seen = stage_scoring.last_standing(s.session)
    assert seen is not None and seen.reason == "Quick answer"
    stage.undo_last(s.session, s.host, expected=seen.id)
    with pytest.raises(ConflictError) as again:
        stage.undo_last(s.session, s.host, expected=seen.id)
    assert again.value.code == "moved_on"
    assert scores(s.session) == {"Red": 0, "Blue": 7}  # Blue's bonus stands

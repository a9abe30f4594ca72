"""Every type through every format: what a format can hold comes back the same; what it cannot
is left out with the reason, and what it holds only in part is listed with what it lost."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from question_bank.services import categories
from question_bank.services.exporting import export_report
from question_bank.services.importing import preview
from question_bank.services.questions import QuestionContent, create_question

SAMPLES = {
    "single_choice": ("一大在哪里召开？", {
        "options": [{"id": "a", "text": "北京"}, {"id": "b", "text": "上海", "feedback": "对"}],
        "correct": "b"}),
    "multiple_choice": ("哪些是会议？", {
        "options": [{"id": "a", "text": "遵义会议"}, {"id": "b", "text": "长征"},
                    {"id": "c", "text": "古田会议"}],
        "correct": ["a", "c"], "scoring": "partial", "penalty": 1.0}),
    "true_false": ("遵义会议于1935年召开。", {"correct": True}),
    "fill_blank": ("中国共产党成立于哪一年？{{1}}", {"blanks": [["1921", "一九二一"]]}),
    "numerical": ("圆周率保留两位小数是多少？", {
        "answers": [{"value": 3.14, "tolerance": 0.005}, {"value": 3.1416, "tolerance": 0.0}],
        "units": ["米", "m"]}),
    "matching": ("将会议与年份连线。", {
        "pairs": [{"id": "p1", "left": "遵义会议", "right": "1935"},
                  {"id": "p2", "left": "古田会议", "right": "1929"}],
        "distractors": [{"id": "d1", "text": "1949"}]}),
    "short_answer": ("谈谈学习党史的体会。", {"reference": "要点：……"}),
}  # fmt: skip
FORMATS = ["gift", "moodle-xml", "aiken", "xlsx", "csv"]
# What a format cannot hold at all, and what it holds only in part (the definition it gives back).
SKIPPED = {("aiken", kind) for kind in SAMPLES if kind not in ("single_choice", "multiple_choice")}
PARTLY = {
    ("gift", "numerical"): lambda d: {**d, "units": []},
    ("gift", "short_answer"): lambda d: {**d, "reference": ""},
    ("aiken", "multiple_choice"): lambda d: {**d, "scoring": "all"},
    ("aiken", "single_choice"): lambda d: {
        **d, "options": [{k: v for k, v in o.items() if k != "feedback"} for o in d["options"]]
    },
    ("xlsx", "single_choice"): lambda d: {
        **d, "options": [{k: v for k, v in o.items() if k != "feedback"} for o in d["options"]]
    },
}  # fmt: skip
PARTLY[("csv", "single_choice")] = PARTLY[("xlsx", "single_choice")]


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", list(SAMPLES))
def test_every_type_round_trips_through_every_format_that_can_hold_it(db, kind, fmt):
    stem, definition = SAMPLES[kind]
    question = create_question(
        categories.ensure_path("党史"),
        QuestionContent(type=kind, stem_md=stem, definition=definition, difficulty=2),
    )
    original = question.current.definition
    report = export_report([question], fmt)
    if (fmt, kind) in SKIPPED:
        assert report.written == 0
        assert [(q.id, bool(reason)) for q, reason in report.skipped] == [(question.id, True)]
        return
    assert report.written == 1
    assert report.skipped == []
    assert bool(report.changed) == ((fmt, kind) in PARTLY)
    again = preview(report.data, fmt, "党史")
    assert again.problems == []
    (parsed,) = again.questions
    assert parsed.content.type == kind
    assert parsed.content.definition == PARTLY.get((fmt, kind), lambda d: d)(original)
    assert "".join(parsed.content.stem_md.split()) == "".join(stem.split())


def test_an_export_lists_what_it_left_out_and_writes_the_rest(db):
    category = categories.ensure_path("党史")
    two_blanks = create_question(
        category,
        QuestionContent(
            type="fill_blank",
            stem_md="{{1}} 年在 {{2}} 召开",
            definition={"blanks": [["1921"], ["上海"]]},
        ),
    )
    fine = create_question(
        category, QuestionContent(type="true_false", stem_md="对吗？", definition={"correct": True})
    )
    report = export_report([two_blanks, fine], "gift")
    assert report.written == 1
    assert report.skipped == [(two_blanks, "GIFT holds one blank per question")]
    assert len(preview(report.data, "gift").questions) == 1


def test_the_command_line_says_how_many_it_wrote_and_which_it_left_out(app, db, tmp_path):
    category = categories.ensure_path("党史")
    create_question(
        category, QuestionContent(type="true_false", stem_md="对吗？", definition={"correct": True})
    )
    stem, definition = SAMPLES["single_choice"]
    create_question(
        category, QuestionContent(type="single_choice", stem_md=stem, definition=definition)
    )
    db.session.commit()
    out = tmp_path / "out.txt"
    result = app.test_cli_runner().invoke(
        args=["questions", "export", "--format", "aiken", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "1 of 2 questions exported to" in result.output
    assert "(对吗？): not written: Aiken holds only single and multiple choice questions" in (
        result.output
    )
    assert "its explanation and feedback are not written" in result.output

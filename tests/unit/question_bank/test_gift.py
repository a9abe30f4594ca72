"""GIFT, written from Moodle's description of the format: every construct, and a round trip."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from question_bank.formats import gift
from question_bank.services.importing import import_questions

SAMPLE = r"""// GIFT sample covering the constructs the importer supports
$CATEGORY: $course$/top/党史/建党

::一大::[markdown]中国共产党第一次全国代表大会在哪里召开？{
  =上海 # 对
  ~北京 # 不对
  ~广州
  ####一大在**上海**召开。
}

遵义会议于1935年召开。{T}

::False::The sun rises in the west.{FALSE#It rises in the east.}

下列属于新民主主义革命时期会议的有：{
  ~%50%遵义会议
  ~%50%古田会议
  ~%-100%十一届三中全会
}

中国共产党成立于{=1921 =一九二一}年。

毛泽东在 {=古田会议 ~洛川会议} 上提出“思想建党、政治建军”。

What is pi to two places?{#3.14:0.005}

Pick a number between 1 and 5.{#1..5}

Match the meetings with their years.{
  =遵义会议 -> 1935
  =古田会议 -> 1929
  =八七会议 -> 1927
}

谈谈学习党史的体会。{}

Escapes: 1\=1 and a\{b\} and c\~d and e\#f\: g{=yes}
"""


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_every_construct(db):
    result = gift.parse(SAMPLE.encode(), "默认")
    assert result.problems == []
    by_line = {q.line: q for q in result.questions}
    kinds = [q.content.type for q in result.questions]
    assert kinds == [
        "single_choice",
        "true_false",
        "true_false",
        "multiple_choice",
        "fill_blank",
        "single_choice",
        "numerical",
        "numerical",
        "matching",
        "short_answer",
        "fill_blank",
    ]
    first = result.questions[0]
    assert first.category_path == "党史/建党"
    assert first.content.title == "一大"
    assert first.content.definition["correct"] == "a"
    assert first.content.definition["options"][0]["feedback"] == "对"  # per-answer feedback
    assert first.content.explanation_md == "一大在**上海**召开。"
    assert result.questions[2].content.definition == {"correct": False}
    multi = result.questions[3].content.definition
    assert multi["correct"] == ["a", "b"]
    assert multi["scoring"] == "partial"
    fill = result.questions[4].content
    assert fill.definition["blanks"] == [["1921", "一九二一"]]
    assert fill.stem_md == "中国共产党成立于 {{1}} 年。"
    missing_word = result.questions[5].content
    assert "____" in missing_word.stem_md
    assert result.questions[6].content.definition["answers"] == [
        {"value": 3.14, "tolerance": 0.005}
    ]
    assert result.questions[7].content.definition["answers"] == [{"value": 3.0, "tolerance": 2.0}]
    assert len(result.questions[8].content.definition["pairs"]) == 3
    escaped = result.questions[10].content
    assert escaped.stem_md.startswith("Escapes: 1=1 and a{b} and c~d and e#f: g")
    assert by_line  # every question knows its line


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Just a description without answers.", "line 1: No question was found."),
        ("\n\nQ? {~a ~b}", "line 3: no answer is marked correct"),
        ("Q? {#abc}", "line 1: “abc” is not a GIFT number"),
        ("Q? {=only one}\n\nQ2? {=a ~b ~c ~d ~e ~f ~g ~h ~i ~j ~k}", "line 3: A choice question"),
    ],
)
def test_problems_have_line_numbers(db, text, needle):
    problems = gift.parse(text.encode(), "x").problems
    assert any(p.startswith(needle) for p in problems), problems


def test_round_trip(db):
    created = import_questions(SAMPLE.encode(), "gift")
    again = gift.parse(gift.export(created), "x")
    assert again.problems == []
    before = [
        (q.category.path, q.current.type, q.current.definition, q.current.explanation_md)
        for q in created
    ]
    after = [
        (q.category_path, q.content.type, q.content.definition, q.content.explanation_md)
        for q in again.questions
    ]
    assert after == before


def test_a_description_is_skipped_with_a_warning_and_the_file_still_imports(db):
    text = "This passage introduces the next questions.\n\nQ? {=yes ~no}\n"
    result = gift.parse(text.encode(), "x")
    assert result.problems == []
    assert [q.line for q in result.questions] == [3]
    assert result.warnings == [
        "line 1: a description (text without answers) was skipped: it is not a question"
    ]
    assert len(import_questions(text.encode(), "gift")) == 1


def test_a_single_short_answer_needs_no_equals_sign(db):
    (only,) = gift.parse(b"Two plus two is {four} in words.", "x").questions
    assert only.content.type == "fill_blank"
    assert only.content.definition == {"blanks": [["four"]]}
    assert only.content.stem_md == "Two plus two is {{1}} in words."
    (fed,) = gift.parse(b"Capital of France?{Paris#Right}", "x").questions
    assert fed.content.definition == {"blanks": [["Paris"]]}


def test_matching_keeps_extra_wrong_right_hand_items(db):
    text = "Match the animals.{\n=Dog -> Bark\n=Cow -> Moo\n= -> Chat\n= -> Quack\n}"
    (only,) = gift.parse(text.encode(), "x").questions
    assert only.content.definition == {
        "pairs": [
            {"id": "p1", "left": "Dog", "right": "Bark"},
            {"id": "p2", "left": "Cow", "right": "Moo"},
        ],
        "distractors": [{"id": "d1", "text": "Chat"}, {"id": "d2", "text": "Quack"}],
    }
    created = import_questions(text.encode(), "gift")
    assert gift.parse(gift.export(created), "x").questions[0].content.definition == (
        created[0].current.definition
    )


def test_numerical_wrong_answers_with_feedback(db):
    text = "When was Grant born?{#\n=1822:0 #Right\n=%50%1822:2 #Close\n~#Look it up\n}"
    result = gift.parse(text.encode(), "x")
    assert result.problems == []
    assert result.questions[0].content.definition == {
        "answers": [{"value": 1822.0, "tolerance": 0.0}],
        "units": [],
    }
    assert result.warnings == [
        "line 1: the answer 1822:2 is worth 50 %: only fully right numbers are kept, "
        "so it was left out"
    ]
    (pi,) = gift.parse(b"Pi?{#=3.14:0.005 ~#That is not pi}", "x").questions
    assert pi.content.definition["answers"] == [{"value": 3.14, "tolerance": 0.005}]


def test_an_unclosed_brace_is_reported_at_its_line_and_spares_the_next_question(db):
    text = "First?\n{=a ~b\n\nSecond? {=c ~d}\n"
    result = gift.parse(text.encode(), "x")
    assert result.problems == [
        "line 2: this “{” is not closed before the blank line that ends the question"
    ]
    assert [q.content.stem_md for q in result.questions] == ["Second?"]


def test_the_command_line_prints_warnings_and_imports_the_rest(app, db, tmp_path):
    path = tmp_path / "bank.gift"
    path.write_text("A passage to read first.\n\nQ? {=yes ~no}\n", "utf-8")
    result = app.test_cli_runner().invoke(
        args=["questions", "import", str(path), "--format", "gift"]
    )
    assert result.exit_code == 0, result.output
    assert "line 1: a description (text without answers) was skipped" in result.output
    assert "1 questions imported" in result.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("Q?{~%45%a ~%55%b}", "line 1: the grade 45 % of an answer is not one Moodle accepts"),
        ("Q?{~%50%a ~%25%b ~%-100%c}", "line 1: the positive grades add up to 75 %, not 100 %"),
    ],
)
def test_weights_moodle_would_refuse_are_refused(db, text, needle):
    problems = gift.parse(text.encode(), "x").problems
    assert len(problems) == 1
    assert problems[0].startswith(needle), problems

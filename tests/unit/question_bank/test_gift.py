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
        ("Just a description without answers.", "line 1: a question needs its answers"),
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

"""Every question type: validation, completeness, grading (with partial credit), review text."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lms.core.errors import ValidationError
from question_bank.types import get_type, registered_types
from question_bank.types.normalise import normalise_answer

OPTIONS = [
    {"id": "a", "text": "北京"},
    {"id": "b", "text": "上海"},
    {"id": "c", "text": "广州"},
    {"id": "d", "text": "深圳"},
]


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context(), force_locale("en"):
        yield


def test_the_seven_types_are_registered():
    assert set(registered_types()) >= {
        "single_choice",
        "multiple_choice",
        "true_false",
        "fill_blank",
        "numerical",
        "matching",
        "short_answer",
    }


def test_single_choice():
    kind = get_type("single_choice")
    definition = kind.validate("Capital?", {"options": OPTIONS, "correct": "a"})
    assert kind.grade(definition, "a") == 1.0
    assert kind.grade(definition, "b") == 0.0
    assert kind.grade(definition, "zz") == 0.0
    assert not kind.is_complete(definition, None)
    assert kind.summary(definition, "b") == "上海"
    assert kind.correct_response(definition) == "a"


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"options": OPTIONS[:1], "correct": "a"}, "2 to 10"),
        ({"options": OPTIONS * 3, "correct": "a"}, "2 to 10"),
        ({"options": OPTIONS, "correct": "x"}, "correct option"),
        (
            {"options": [{"id": "a", "text": "x"}, {"id": "b", "text": "X"}], "correct": "a"},
            "say the same",
        ),
        (
            {"options": [{"id": "a", "text": "x"}, {"id": "b", "text": " "}], "correct": "a"},
            "must not be empty",
        ),
    ],
)
def test_single_choice_refuses_bad_definitions(definition, message):
    with pytest.raises(ValidationError, match=message):
        get_type("single_choice").validate("Q", definition)


def test_multiple_choice_all_or_nothing_and_partial():
    kind = get_type("multiple_choice")
    strict = kind.validate("Q", {"options": OPTIONS, "correct": ["c", "a"]})
    assert strict["correct"] == ["a", "c"]
    assert kind.grade(strict, ["a", "c"]) == 1.0
    assert kind.grade(strict, ["a"]) == 0.0
    partial = kind.validate(
        "Q", {"options": OPTIONS, "correct": ["a", "c"], "scoring": "partial", "penalty": 1}
    )
    assert kind.grade(partial, ["a"]) == 0.5
    assert kind.grade(partial, ["a", "b"]) == 0.0  # 0.5 - 1 * (1/2) wrong share
    assert kind.grade(partial, ["b", "d"]) == 0.0  # never below 0
    half_penalty = dict(partial, penalty=0.5)
    assert kind.grade(half_penalty, ["a", "c", "b"]) == 0.75
    assert kind.summary(partial, ["c", "a"]) == "北京; 广州"


def test_true_false():
    kind = get_type("true_false")
    definition = kind.validate("Q", {"correct": False})
    assert kind.grade(definition, False) == 1.0
    assert kind.grade(definition, True) == 0.0
    assert not kind.is_complete(definition, "false")
    with pytest.raises(ValidationError):
        kind.validate("Q", {"correct": "yes"})


@pytest.mark.parametrize(
    ("given", "accepted"),
    [
        ("ＡＢＣ", "abc"),
        ("  Hello   World ", "hello world"),
        ("１２３", "123"),
        ("中国，北京。", "中国,北京."),
        ("“为人民服务”", '"为人民服务"'),
        ("甲、乙", "甲,乙"),
        ("a , b", "a,b"),
        ("（一）", "(一)"),
    ],
)
def test_chinese_normalisation(given, accepted):
    assert normalise_answer(given) == normalise_answer(accepted)


def test_fill_blank_with_several_answers_and_per_blank_credit():
    kind = get_type("fill_blank")
    stem = "中国共产党成立于{{1}}年，地点在{{2}}。"
    definition = kind.validate(stem, {"blanks": [["1921"], ["上海", "上海市"]]})
    assert kind.grade(definition, ["１９２１", " 上海市 "]) == 1.0
    assert kind.grade(definition, ["1921", "北京"]) == 0.5
    assert kind.grade(definition, ["", ""]) == 0.0
    assert not kind.is_complete(definition, ["1921"])
    assert kind.correct_response(definition) == ["1921", "上海"]
    with pytest.raises(ValidationError, match="Mark each blank"):
        kind.validate("No blanks here", {"blanks": [["x"]]})
    with pytest.raises(ValidationError, match="in order"):
        kind.validate("{{2}} and {{1}}", {"blanks": [["x"], ["y"]]})
    with pytest.raises(ValidationError, match="2 blanks"):
        kind.validate(stem, {"blanks": [["1921"]]})


def test_numerical_with_tolerance_and_units():
    kind = get_type("numerical")
    definition = kind.validate(
        "g?", {"answers": [{"value": 9.8, "tolerance": 0.05}], "units": ["m/s²", "米每二次方秒"]}
    )
    assert kind.grade(definition, 9.8) == 1.0
    assert kind.grade(definition, 9.84) == 1.0
    assert kind.grade(definition, "9.76 m/s²") == 1.0
    assert kind.grade(definition, 9.9) == 0.0
    assert kind.grade(definition, "9.8 km") == 0.0
    assert kind.grade(definition, True) == 0.0
    assert kind.grade(definition, float("nan")) == 0.0
    with pytest.raises(ValidationError):
        kind.validate("Q", {"answers": [{"value": 1, "tolerance": -1}]})


def test_matching():
    kind = get_type("matching")
    definition = kind.validate(
        "Match",
        {
            "pairs": [
                {"id": "p1", "left": "遵义会议", "right": "1935"},
                {"id": "p2", "left": "古田会议", "right": "1929"},
                {"id": "p3", "left": "八七会议", "right": "1927"},
            ]
        },
    )
    assert kind.grade(definition, {"p1": "p1", "p2": "p2", "p3": "p3"}) == 1.0
    assert kind.grade(definition, {"p1": "p2", "p2": "p1", "p3": "p3"}) == pytest.approx(1 / 3)
    assert not kind.is_complete(definition, {"p1": "p1"})
    assert "遵义会议 → 1935" in kind.summary(definition, {"p1": "p1"})


def test_matching_with_extra_right_hand_items():
    kind = get_type("matching")
    pairs = [
        {"id": "p1", "left": "Dog", "right": "Bark"},
        {"id": "p2", "left": "Cow", "right": "Moo"},
    ]
    definition = kind.validate("Match", {"pairs": pairs, "distractors": [{"text": " Chat "}]})
    assert definition["distractors"] == [{"id": "d1", "text": "Chat"}]
    assert kind.grade(definition, {"p1": "d1", "p2": "p2"}) == 0.5
    assert kind.summary(definition, {"p1": "d1", "p2": "p2"}) == "Dog → Chat; Cow → Moo"
    assert "distractors" not in kind.validate("Match", {"pairs": pairs, "distractors": []})
    with pytest.raises(ValidationError):
        kind.validate("Match", {"pairs": pairs, "distractors": [{"id": "p1", "text": "x"}]})


def test_short_answer_is_graded_by_a_person():
    kind = get_type("short_answer")
    definition = kind.validate("Essay", {"reference": "要点：……"})
    assert kind.graded_by_person
    assert kind.grade(definition, "my essay") is None
    assert kind.is_complete(definition, "my essay")
    assert not kind.is_complete(definition, "   ")


def test_unknown_type():
    with pytest.raises(ValidationError, match="Unknown question type"):
        get_type("drawing")


def test_the_question_form_writes_extra_right_hand_items_as_equals_lines():
    from question_bank.services.form_input import (  # noqa: PLC0415
        DefinitionFields,
        definition_from_fields,
        fields_from_definition,
    )

    fields = DefinitionFields(pairs="Dog = Bark\n= Quack\nCow = Moo")
    definition = definition_from_fields("matching", fields)
    assert definition == {
        "pairs": [
            {"id": "p1", "left": "Dog", "right": "Bark"},
            {"id": "p2", "left": "Cow", "right": "Moo"},
        ],
        "distractors": [{"id": "d1", "text": "Quack"}],
    }
    assert fields_from_definition("matching", definition).pairs == (
        "Dog = Bark\nCow = Moo\n= Quack"
    )

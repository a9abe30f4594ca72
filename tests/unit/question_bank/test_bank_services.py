"""Categories, questions and their versions (question_bank.services)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from lms.core.errors import ConflictError, ValidationError
from question_bank.models import QuestionVersion
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent

CHOICE = QuestionContent(
    type="single_choice",
    stem_md="中国共产党第一次全国代表大会在哪里召开？",
    definition={
        "options": [{"id": "a", "text": "上海"}, {"id": "b", "text": "北京"}],
        "correct": "a",
    },
    explanation_md="一大在**上海**召开，后转移到嘉兴南湖。",
    difficulty=2,
    default_mark=2,
)


@pytest.fixture(autouse=True)
def english(db):
    with force_locale("en"):
        yield


def test_category_tree(db):
    leaf = categories.ensure_path("党史/新民主主义革命时期")
    assert leaf.path == "党史/新民主主义革命时期"
    assert categories.ensure_path("党史").id == leaf.parent.id
    with pytest.raises(ConflictError):
        categories.create_category("党史")
    with pytest.raises(ValidationError):
        categories.create_category("a/b")
    other = categories.ensure_path("理论")
    categories.update_category(leaf.parent, name="中共党史", parent=other)
    assert leaf.path == "理论/中共党史/新民主主义革命时期"
    with pytest.raises(ValidationError):
        categories.update_category(other, name="理论", parent=leaf)


def test_delete_only_empty_categories(db):
    category = categories.ensure_path("法规/党章")
    questions.create_question(category, CHOICE)
    with pytest.raises(ConflictError, match="not empty"):
        categories.delete_category(category)
    with pytest.raises(ConflictError):
        categories.delete_category(category.parent)
    empty = categories.ensure_path("法规/空")
    categories.delete_category(empty)
    assert categories.by_path("法规/空") is None


def test_edits_make_immutable_versions(db):
    category = categories.ensure_path("党史")
    question = questions.create_question(category, CHOICE, tags=["一大", "一大", " 党史 "])
    first = question.current
    assert first.number == 1
    assert [t.name for t in question.tags] == ["一大", "党史"]
    same = questions.edit_question(question, CHOICE)
    assert same.id == first.id  # nothing changed: no new version
    changed = questions.edit_question(
        question, QuestionContent(**{**CHOICE.__dict__, "difficulty": 4})
    )
    assert changed.number == 2
    assert question.current.id == changed.id
    assert db.session.get(QuestionVersion, first.id).difficulty == 2  # the old one is untouched
    diff = questions.differences(first, changed)
    assert [c.field for c in diff] == ["difficulty"]


def test_invalid_content_is_refused(db):
    category = categories.ensure_path("x")
    for change, field in [
        ({"stem_md": " "}, "stem"),
        ({"difficulty": 6}, "difficulty"),
        ({"default_mark": 0}, "default_mark"),
        ({"definition": {"options": [], "correct": "a"}}, "definition"),
        ({"type": "drawing"}, "type"),
    ]:
        with pytest.raises(ValidationError) as raised:
            questions.create_question(category, QuestionContent(**{**CHOICE.__dict__, **change}))
        assert raised.value.field == field


def test_duplicates_ignore_spaces_and_punctuation(db):
    category = categories.ensure_path("党史")
    original = questions.create_question(category, CHOICE)
    found = questions.duplicates_of(category, "中国共产党第一次全国代表大会 在哪里召开?")
    assert [q.id for q in found] == [original.id]
    assert questions.duplicates_of(category, CHOICE.stem_md, except_id=original.id) == []
    assert questions.duplicates_of(categories.ensure_path("其他"), CHOICE.stem_md) == []


def test_retire_and_restore(db):
    question = questions.create_question(categories.ensure_path("x"), CHOICE)
    questions.set_retired(question, True)
    assert question.is_retired
    questions.set_retired(question, False)
    assert not question.is_retired

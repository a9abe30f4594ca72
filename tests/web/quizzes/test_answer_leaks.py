"""Before the review rules allow, nothing that reveals an answer reaches the member: not in the
API's JSON, not in any attempt page (HTML, attributes, option ids), before or after submitting.

The pages are found by walking the url_map, so pages added later are scanned too.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for

from lms.core.clock import utcnow
from question_bank.services import categories, questions
from question_bank.services.questions import QuestionContent
from quizzes.models import Quiz
from tests.quiz_factories import SAMPLE_QUESTIONS, make_bank, make_quiz

SECRET = "Qzx"  # every answer-revealing text of the extra questions carries this mark
EXPLANATION = "Qzxexplain: the reason why."
# The extra questions use ids and texts that cannot appear on a page by chance.
EXTRA_QUESTIONS = [
    QuestionContent(
        type="single_choice",
        stem_md="Pick the first letter.",
        definition={
            "options": [
                {"id": "qzxright", "text": "Alpha", "feedback": "Qzxfeedback right"},
                {"id": "qzxwrong", "text": "Beta", "feedback": "Qzxfeedback wrong"},
            ],
            "correct": "qzxright",
        },
        explanation_md=EXPLANATION,
    ),
    QuestionContent(
        type="multiple_choice",
        stem_md="Pick the vowels.",
        definition={
            "options": [
                {"id": "qzxvowel1", "text": "A", "feedback": "Qzxfeedback vowel"},
                {"id": "qzxvowel2", "text": "E"},
                {"id": "qzxconsonant", "text": "K"},
            ],
            "correct": ["qzxvowel1", "qzxvowel2"],
        },
        explanation_md=EXPLANATION,
    ),
    QuestionContent(
        type="fill_blank",
        stem_md="The password is {{1}}.",
        definition={"blanks": [["Qzxblank", "Qzxalternative"]]},
        explanation_md=EXPLANATION,
    ),
    QuestionContent(
        type="numerical",
        stem_md="The magic number?",
        definition={"answers": [{"value": 8675.309, "tolerance": 0, "fraction": 1.0}]},
        explanation_md=EXPLANATION,
    ),
    QuestionContent(
        type="matching",
        stem_md="Match the shapes.",
        definition={
            "pairs": [
                {"id": "qzxpair1", "left": "Triangle", "right": "Three sides"},
                {"id": "qzxpair2", "left": "Square", "right": "Four sides"},
            ]
        },
        explanation_md=EXPLANATION,
    ),
    QuestionContent(
        type="short_answer",
        stem_md="Say something.",
        definition={"reference": "Qzxreference answer"},
        explanation_md=EXPLANATION,
    ),
    QuestionContent(
        type="true_false",
        stem_md="Trust this statement.",
        definition={"correct": False},
        explanation_md=EXPLANATION,
    ),
]
# What the sample bank's definitions would give away; short numbers are checked in JSON only.
SAMPLE_SECRETS = ["Paris has been the capital since 987", "Yes, Paris.", "A test.", "一百"]
SAMPLE_IDS = {"a", "b", "c", "p1", "p2"}
# Keys of a question that give its answer away (the attempt's own "feedback" mode and "review"
# rules are settings, not answers).
REVEALING_KEYS = re.compile(r"correct|explanation|feedback|accepted|score|fraction|reference")
# A wrong, harmless answer per type: the member's own answer is theirs to see.
WRONG_ANSWERS: dict[str, Any] = {
    "true_false": None,
    "fill_blank": ["nope"],
    "numerical": 1,
    "short_answer": "my own words",
}


def _quiz(db) -> Quiz:
    """Every question type, twice; review only after a close that is still a day away."""
    bank = make_bank()
    extra_category = categories.ensure_path("Leak bank")
    bank += [questions.create_question(extra_category, content) for content in EXTRA_QUESTIONS]
    quiz = make_quiz(
        bank,
        review_marks="after_close",
        review_answers="after_close",
        review_explanations="after_close",
        closes_at=utcnow() + timedelta(days=1),
        shuffle_options=True,
        max_attempts=None,
    )
    db.session.commit()
    assert {c.type for c in EXTRA_QUESTIONS} == {c.type for c, _a in SAMPLE_QUESTIONS}
    return quiz


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [k for k in value] + [k for v in value.values() for k in _keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def _option_ids(view: dict[str, Any]) -> set[str]:
    return {
        option["id"]
        for item in view.get("items", [])
        for option in item.get("options", []) + item.get("left", []) + item.get("right", [])
    }


def _assert_json_reveals_nothing(what: str, body: Any) -> None:
    text = json.dumps(body, ensure_ascii=False)
    assert SECRET not in text, what
    assert "8675.309" not in text, what
    for secret in SAMPLE_SECRETS:
        assert secret not in text, (what, secret)
    if "total" in body:  # the list of quizzes
        for quiz in body["items"]:
            _assert_json_reveals_nothing(what, quiz)
        return
    items = body.get("items", [])
    revealing = [key for key in _keys(items) if REVEALING_KEYS.search(key)]
    assert revealing == [], (what, revealing)
    marks = {"score", "percent", "passed", "fraction"}
    assert not marks & set(body), what
    for summary in body.get("attempts", []):
        assert not marks & set(summary), what
    assert not _option_ids(body) & SAMPLE_IDS, what
    for item in body.get("items", []):
        assert item.get("answer") != ["100"], what  # a blank's accepted answer
        assert item.get("answer") != 3.14, what


def _assert_html_reveals_nothing(what: str, html: str) -> None:
    assert SECRET.lower() not in html.lower(), what
    assert "8675.309" not in html, what
    for secret in SAMPLE_SECRETS:
        assert secret not in html, (what, secret)
    attributes = re.findall(r'[\w:-]+="([^"]*)"', html)
    assert not SAMPLE_IDS & set(attributes), what
    assert not re.search(r"\bcorrect\b|data-correct|is-correct", html, re.IGNORECASE), what


def _wrong_answer(item: dict[str, Any]) -> Any:
    kind = item["type"]
    if kind in ("single_choice",):
        return item["options"][0]["id"]
    if kind == "multiple_choice":
        return [item["options"][0]["id"]]
    if kind == "matching":
        return {item["left"][0]["id"]: item["right"][0]["id"]}
    if kind == "fill_blank":
        return ["nope"] * item["blanks"]
    return WRONG_ANSWERS[kind]


def test_no_api_response_reveals_an_answer_before_review(client, db, member, login_as):
    quiz = _quiz(db)
    login_as(member)
    seen: list[tuple[str, Any]] = []
    for _round in range(2):  # two attempts: two draws, two option orders
        started = client.post(f"/api/v1/quizzes/{quiz.id}/attempts")
        assert started.status_code == 201
        attempt = started.get_json()
        seen.append(("start", attempt))
        base = f"/api/v1/attempts/{attempt['id']}"
        for sequence, item in enumerate(attempt["items"], start=1):
            saved = client.put(
                f"{base}/answers/{item['slot']}",
                json={"answer": _wrong_answer(item), "sequence": sequence},
            )
            assert saved.status_code == 200, saved.get_json()
            seen.append(("save", saved.get_json()))
        flagged = client.put(f"{base}/flags/1", json={"flagged": True})
        seen.append(("flag", flagged.get_json()))
        seen.append(("check", client.post(f"{base}/check/1").get_json()))
        seen.append(("get", client.get(base).get_json()))
        seen.append(("quiz", client.get(f"/api/v1/quizzes/{quiz.id}").get_json()))
        submitted = client.post(f"{base}/submit")
        assert submitted.status_code == 200
        assert submitted.get_json()["state"] == "finished"
        seen.append(("submit", submitted.get_json()))
        seen.append(("get after submit", client.get(base).get_json()))
        late = client.put(f"{base}/answers/1", json={"answer": None, "sequence": 99})
        assert late.status_code == 409
        seen.append(("late save", late.get_json()))
    seen.append(("list", client.get("/api/v1/quizzes").get_json()))
    seen.append(("quiz after", client.get(f"/api/v1/quizzes/{quiz.id}").get_json()))
    assert len(seen) > 30
    for what, body in seen:
        _assert_json_reveals_nothing(what, body)


def _attempt_pages(app: Flask) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("quizzes.")
        and "attempt_id" in rule.arguments
        and "GET" in (rule.methods or ())
        and rule.arguments <= {"attempt_id", "quiz_id", "slot"}
    )


def test_no_attempt_page_reveals_an_answer_before_review(app, client, db, member, login_as):
    pages = _attempt_pages(app)
    if not pages:
        pytest.skip("quizzes/views.py has no attempt pages yet")
    quiz = _quiz(db)
    login_as(member)
    attempt = client.post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
    for sequence, item in enumerate(attempt["items"], start=1):
        client.put(
            f"/api/v1/attempts/{attempt['id']}/answers/{item['slot']}",
            json={"answer": _wrong_answer(item), "sequence": sequence},
        )
    scanned = 0
    for moment in ("in progress", "submitted"):
        if moment == "submitted":
            assert client.post(f"/api/v1/attempts/{attempt['id']}/submit").status_code == 200
        for endpoint in pages:
            with app.test_request_context():
                url = url_for(endpoint, attempt_id=attempt["id"], quiz_id=quiz.id, slot=1)
            response = client.get(url, follow_redirects=True)
            assert response.status_code == 200, (endpoint, moment, response.status_code)
            _assert_html_reveals_nothing(f"{endpoint} {moment}", response.get_data(as_text=True))
            scanned += 1
    assert scanned == 2 * len(pages)

"""Questions imported from Moodle's formats work in an attempt as they were written."""

from __future__ import annotations

from question_bank.services.importing import import_questions
from quizzes.models import Attempt
from tests.quiz_factories import make_quiz

GIFT = "Match the animals.{=Dog -> Bark =Cow -> Moo = -> Quack}\n"


def test_a_matching_question_offers_its_extra_item_and_counts_it_wrong(
    client, db, member, login_as
):
    quiz = make_quiz(import_questions(GIFT.encode(), "gift", "动物"))
    db.session.commit()
    login_as(member)
    attempt = client.post(f"/api/v1/quizzes/{quiz.id}/attempts").get_json()
    (item,) = attempt["items"]
    rights = {o["text_html"]: o["id"] for o in item["right"]}
    assert set(rights) == {"Bark", "Moo", "Quack"}
    lefts = {o["text_html"]: o["id"] for o in item["left"]}
    answer = {lefts["Dog"]: rights["Bark"], lefts["Cow"]: rights["Quack"]}
    saved = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{item['slot']}",
        json={"answer": answer, "sequence": 1},
    )
    assert saved.status_code == 200, saved.get_json()
    assert client.post(f"/api/v1/attempts/{attempt['id']}/submit").status_code == 200
    graded = db.session.get(Attempt, attempt["id"])
    assert graded.items[0].fraction == 0.5

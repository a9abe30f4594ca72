"""Demo quizzes: a timed quiz inside a demo course with finished attempts, practice categories
and the daily quiz's configuration, so a fresh ``make run`` shows the quiz engine at work."""

from __future__ import annotations

from datetime import timedelta

from courses.models import Course
from lms.accounts.models import User
from lms.core.clock import utcnow
from lms.core.extensions import db
from question_bank.services import categories
from question_bank.services.importing import import_questions
from quizzes.models import ReviewWhen
from quizzes.services import answers, attempts, authoring, daily, practice
from quizzes.services.authoring import QuizSettings, SlotSpec
from quizzes.services.presentation import attempt_view

DEMO_QUIZ_GIFT = """$CATEGORY: 综合/时政与常识

::节日::中国共产党的生日是哪一天？{=7月1日 ~8月1日 ~10月1日 ~5月4日}

::长征::红军长征胜利结束的会师地点是{=会宁 ~延安 ~瑞金 ~遵义}。

::宪法::我国现行宪法于1982年通过。{T}

::人民代表大会::全国人民代表大会每届任期{=5 =五}年。

::二十大::党的二十大于2022年召开。{T}

::价值观::下列属于社会主义核心价值观中“个人层面”的有：{~%50%爱国 ~%50%敬业 ~%-100%富强 ~%-100%民主}

::党费::党员应当按月缴纳党费。{T}

::五四::五四运动发生于1919年。{T}

::志愿服务::中国青年志愿者服务日是{=3月5日 ~3月12日 ~5月4日}。
"""


def seed_quizzes(organizer: User, members: list[User], course: Course) -> None:
    import_questions(DEMO_QUIZ_GIFT.encode(), "gift", by=organizer)
    history = categories.by_path("党史")
    general = categories.by_path("综合")
    rules = categories.by_path("法规")
    now = utcnow().replace(second=0, microsecond=0)
    quiz = authoring.create_quiz(
        QuizSettings(
            title="党史知识小测验",
            description_md="10 分钟，6 道题。每题 2 分，60 分及格。\n\n*A 10-minute quiz.*",
            time_limit_seconds=600,
            opens_at=now - timedelta(days=7),
            closes_at=now + timedelta(days=30),
            max_attempts=3,
            pass_percent=60,
            review_answers=ReviewWhen.AFTER_ATTEMPT,
            review_explanations=ReviewWhen.AFTER_ATTEMPT,
        ),
        [
            SlotSpec(category=history, count=3, mark=2),
            SlotSpec(category=general, count=3, mark=2),
        ],
        created_by=organizer,
    )
    authoring.set_published(quiz, True)
    authoring.attach_to_module(quiz, course.modules[0])
    for number, member in enumerate(members):
        attempt = attempts.start(member, quiz)
        view = attempt_view(attempt, member)
        for item in view["items"][: 3 + number]:
            options = item.get("options") or []
            answer = options[0]["id"] if item["type"] == "single_choice" and options else None
            if item["type"] == "true_false":
                answer = True
            if answer is not None:
                answers.save_answer(attempt, item["slot"], answer, 1)
        attempts.submit(attempt)
    exam = authoring.create_quiz(
        QuizSettings(
            title="党章党规月度测试",
            description_md="本月测试，截止后公布答案与解析。",
            time_limit_seconds=900,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=14),
            max_attempts=1,
            shuffle_questions=True,
        ),
        [SlotSpec(category=rules, count=2, mark=5), SlotSpec(category=general, count=4, mark=5)],
        created_by=organizer,
    )
    authoring.set_published(exam, True)
    practice.set_practice_categories([history.id, rules.id, general.id])
    daily.save_settings([general.id, history.id], 5)
    db.session.flush()

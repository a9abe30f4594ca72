"""The quiz kind of course item: its page is the quiz's start page."""

from flask_babel import lazy_gettext as _l

from courses.item_kinds import ItemKind, register

QUIZ = register(
    ItemKind(
        "quiz",
        _l("Quiz"),
        "📝",
        completed_by_reading=False,
        endpoint="quizzes.course_item",
        edit_endpoint="quiz_manage.for_item",
    )
)

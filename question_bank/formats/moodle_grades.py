"""The grades Moodle accepts for an answer (question_bank::fraction_options_full), in percent,
and the rule its multiple-answer questions follow; GIFT and Moodle XML are checked alike."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import gettext as _

GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
          16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)  # fmt: skip


@lru_cache(maxsize=256)
def moodle_grade(raw: str) -> float | None:
    """The grade in percent when Moodle would accept it, else None (a file has few values)."""
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if any(abs(abs(value) - grade) < 0.001 for grade in GRADES) else None


def checked_grade(raw: str) -> float:
    value = moodle_grade(raw.strip())
    if value is None:
        raise ValueError(
            _("the grade %(grade)s %% of an answer is not one Moodle accepts", grade=raw)
        )
    return value


def check_positive_sum(grades: list[float]) -> None:
    """A multiple-answer question's positive grades add up to 100 %, or Moodle refuses it."""
    total = sum(g for g in grades if g > 0)
    if abs(total - 100) > 0.01:
        raise ValueError(
            _(
                "the positive grades add up to %(sum)g %%, not 100 %%, which Moodle refuses",
                sum=round(total, 3),
            )
        )

"""Question types (DESIGN.md section 5): each a class registered under its key.

A type validates a question's definition, says whether a response is complete, grades a response
to a fraction in [0, 1] (None: a person grades it), gives the correct response and summarises a
response for review. Definitions and responses are plain JSON values.
"""

from question_bank.types.base import QuestionType, get_type, registered_types
from question_bank.types.choice import MultipleChoice, SingleChoice, TrueFalse
from question_bank.types.fill_blank import FillBlank
from question_bank.types.matching import Matching
from question_bank.types.numerical import Numerical
from question_bank.types.short_answer import ShortAnswer

__all__ = [
    "FillBlank",
    "Matching",
    "MultipleChoice",
    "Numerical",
    "QuestionType",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "get_type",
    "registered_types",
]

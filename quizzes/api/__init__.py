"""JSON API for quizzes and attempts (DESIGN.md section 6), with exactly the rules of the pages.

Handlers parse, call the services and commit once. When a service finalised an attempt whose
time ran out and then refused the request (409), that finalisation is committed before the
refusal is answered: the attempt is graded as it stood, whichever request noticed it first.
"""

from quizzes.api import attempts, quizzes
from quizzes.api.blueprint import bp

__all__ = ["attempts", "bp", "quizzes"]

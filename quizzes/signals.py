"""Signals other packages listen to, so that quizzes never import what sits above them."""

from blinker import Namespace

_signals = Namespace()

# Sent with ``attempt=`` once an attempt is finished and graded (and again after a regrade or
# manual grading changes its score), inside the transaction that did it.
attempt_graded = _signals.signal("attempt-graded")
# Sent with ``item=`` after a person marked one answer by hand (notifications tell the member).
grade_released = _signals.signal("grade-released")

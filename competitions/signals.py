"""Signals other parts listen to (live boards, points), so the services never import them."""

from blinker import Namespace

_signals = Namespace()

# Sent with ``competition_id=`` whenever a competition's standings change (a graded round, a
# disqualification, a rebuild), inside the transaction that changed them.
standings_changed = _signals.signal("standings-changed")
# Sent with ``competition=`` and ``awards=`` once, when its results are published.
results_published = _signals.signal("results-published")

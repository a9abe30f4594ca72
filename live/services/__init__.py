"""The rules of live sessions: sessions (create, join, the state machine), answers and scoring,
buzzes, boards (leaderboards, reveal, the state a page shows), results and what is published."""

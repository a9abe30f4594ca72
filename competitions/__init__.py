"""Knowledge competitions: registration, rounds, standings, leaderboards for people and units,
freeze and reveal, results, certificates (DESIGN.md sections 2 and 6)."""

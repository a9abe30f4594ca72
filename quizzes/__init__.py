"""Quizzes built from the question bank: slots, attempts, the server's timer, grading, review,
practice, the daily quiz and the wrong-answer notebook (DESIGN.md section 5)."""

"""Business rules of the question bank. Services flush, never commit."""

"""Business rules of courses. Services flush, never commit."""

"""Business rules for people and the organisation tree. Services flush, never commit."""

"""People: users, roles, the organisation tree, logging in, API tokens."""

"""Quiz services: the rules, callable without a request (DESIGN.md section 4)."""

"""Benchmarks that print tables (``make bench``). Targets live here, never in the test suite."""

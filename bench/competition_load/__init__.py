"""The competitions load benchmark: ``python -m bench.competition_load`` (see __main__)."""

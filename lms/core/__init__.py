"""The ground floor: configuration, extensions, database base, clock, markup, errors.

Nothing in here imports another package of ours.
"""

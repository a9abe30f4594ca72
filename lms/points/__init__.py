"""Study points (学习积分): a ledger of entries, each with its rule, reason and source."""

"""Naming units by path, as the API does: in order, in one query, refusing unknown paths."""

from __future__ import annotations

import pytest

from lms.accounts.services.org_units import ensure_unit_path, units_by_paths
from lms.core.errors import ValidationError


def test_units_come_back_in_the_order_named_from_one_query(db, count_queries):
    north = ensure_unit_path("Org/North")
    south = ensure_unit_path("Org/South")
    db.session.commit()
    with count_queries() as counter:
        assert units_by_paths([" Org/South ", "Org/North"]) == [south, north]
    assert counter.count == 1
    assert units_by_paths([]) == []


def test_an_unknown_path_is_refused_by_name(db):
    ensure_unit_path("Org/North")
    db.session.commit()
    with pytest.raises(ValidationError) as refused:
        units_by_paths(["Org/North", "Org/Nowhere"])
    assert refused.value.field == "units"
    assert "Org/Nowhere" in refused.value.message

"""A live hosted round with thousands of phones through nginx + Nchan."""

"""Great-circle distance and the distance that separates two towns, shared by the stages that compare places."""

from __future__ import annotations

import math

# two towns this close may be one (two spellings, two gazetteer entries); farther apart they are two places
SAME_TOWN_KM = 5.0


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(math.sqrt(min(1.0, h)))

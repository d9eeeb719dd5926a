"""Points a known distance apart, and place-based processes, for the finder's tests."""

import math
from decimal import Decimal

HERE = (51.455000, -0.971000)


def offset(north_m: float = 0, east_m: float = 0, origin=HERE) -> tuple[Decimal, Decimal]:
    """The point `north_m` metres north and `east_m` metres east of `origin`."""
    lat = origin[0] + north_m / 111_320
    lon = origin[1] + east_m / (111_320 * math.cos(math.radians(origin[0])))
    return Decimal(f"{lat:.6f}"), Decimal(f"{lon:.6f}")

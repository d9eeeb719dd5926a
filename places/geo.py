"""Coordinates: British National Grid to latitude/longitude, distances and search boxes.

Eastings and northings are OSGB36 Transverse Mercator (the grid of LLPG and AddressBase files).
They are turned into OSGB36 latitude/longitude with the Ordnance Survey's published series, then
moved to WGS84 (what GPS, maps and Open311 use) with the standard seven-parameter Helmert
transformation. That is good to about 5 metres across Great Britain: plenty for "is this the same
fly-tipping", and it needs no grid files or native libraries.
"""

import math
from dataclasses import dataclass

# Airy 1830 (OSGB36) and GRS80/WGS84 ellipsoids: semi-major and semi-minor axes in metres.
AIRY_A, AIRY_B = 6377563.396, 6356256.909
WGS84_A, WGS84_B = 6378137.000, 6356752.3141

# The National Grid's true origin and scale.
F0 = 0.9996012717
LAT0 = math.radians(49)
LON0 = math.radians(-2)
E0, N0 = 400000.0, -100000.0

# OSGB36 -> WGS84 Helmert parameters: metres, parts per million, arc seconds.
HELMERT = {"tx": 446.448, "ty": -125.157, "tz": 542.060, "s": -20.4894}
HELMERT_ROTATION = {"rx": 0.1502, "ry": 0.2470, "rz": 0.8421}

EARTH_RADIUS_M = 6371008.8
METRES_PER_DEGREE_LAT = 111_320.0

# The United Kingdom with its islands and a margin: anything outside is a typing mistake.
UK_LAT = (49.8, 61.0)
UK_LON = (-8.7, 2.0)
# The National Grid's extent (metres).
GRID_EASTING = (0, 700_000)
GRID_NORTHING = (0, 1_300_000)


# Constants of the conversion, worked out once (an import converts hundreds of thousands of rows).
_AIRY_E2 = 1 - AIRY_B**2 / AIRY_A**2
_WGS84_E2 = 1 - WGS84_B**2 / WGS84_A**2
_N = (AIRY_A - AIRY_B) / (AIRY_A + AIRY_B)
_ARC_1 = AIRY_B * F0 * (1 + _N + 1.25 * _N**2 + 1.25 * _N**3)
_ARC_2 = AIRY_B * F0 * (3 * _N + 3 * _N**2 + 21 / 8 * _N**3)
_ARC_3 = AIRY_B * F0 * (15 / 8 * _N**2 + 15 / 8 * _N**3)
_ARC_4 = AIRY_B * F0 * (35 / 24 * _N**3)
_AF0 = AIRY_A * F0
_HELMERT_SCALE = 1 + HELMERT["s"] * 1e-6
_RX, _RY, _RZ = (math.radians(v / 3600) for v in HELMERT_ROTATION.values())


def _meridional_arc(lat: float) -> float:
    dlat, slat = lat - LAT0, lat + LAT0
    return (
        _ARC_1 * dlat
        - _ARC_2 * math.sin(dlat) * math.cos(slat)
        + _ARC_3 * math.sin(2 * dlat) * math.cos(2 * slat)
        - _ARC_4 * math.sin(3 * dlat) * math.cos(3 * slat)
    )


def grid_to_osgb36(easting: float, northing: float) -> tuple[float, float]:
    """National Grid easting/northing to OSGB36 latitude/longitude in degrees."""
    e2 = _AIRY_E2
    lat, arc = LAT0, 0.0
    while True:
        lat = (northing - N0 - arc) / _AF0 + lat
        arc = _meridional_arc(lat)
        if abs(northing - N0 - arc) < 0.00001:
            break
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    tan_lat = sin_lat / cos_lat
    w = 1 - e2 * sin_lat * sin_lat
    nu = _AF0 / math.sqrt(w)
    rho = _AF0 * (1 - e2) / (w * math.sqrt(w))
    eta2 = nu / rho - 1
    sec = 1 / cos_lat
    t2 = tan_lat * tan_lat
    t4 = t2 * t2
    t6 = t4 * t2
    nu3 = nu * nu * nu
    nu5 = nu3 * nu * nu
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu3) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2)
    ix = tan_lat / (720 * rho * nu5) * (61 + 90 * t2 + 45 * t4)
    x = sec / nu
    xi = sec / (6 * nu3) * (nu / rho + 2 * t2)
    xii = sec / (120 * nu5) * (5 + 28 * t2 + 24 * t4)
    xiia = sec / (5040 * nu5 * nu * nu) * (61 + 662 * t2 + 1320 * t4 + 720 * t6)
    de = easting - E0
    de2 = de * de
    lat_out = lat - de2 * (vii - de2 * (viii - ix * de2))
    lon_out = LON0 + de * (x - de2 * (xi - de2 * (xii - xiia * de2)))
    return math.degrees(lat_out), math.degrees(lon_out)


def _to_cartesian(lat: float, lon: float, a: float, e2: float) -> tuple[float, float, float]:
    lat, lon = math.radians(lat), math.radians(lon)
    sin_lat, cos_lat = math.sin(lat), math.cos(lat)
    nu = a / math.sqrt(1 - e2 * sin_lat * sin_lat)
    return (
        nu * cos_lat * math.cos(lon),
        nu * cos_lat * math.sin(lon),
        (1 - e2) * nu * sin_lat,
    )


def _from_cartesian(x: float, y: float, z: float, a: float, e2: float) -> tuple[float, float]:
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    for _ in range(10):
        sin_lat = math.sin(lat)
        nu = a / math.sqrt(1 - e2 * sin_lat * sin_lat)
        before, lat = lat, math.atan2(z + e2 * nu * sin_lat, p)
        if abs(lat - before) < 1e-15:  # converged: further rounds change nothing
            break
    return math.degrees(lat), math.degrees(math.atan2(y, x))


def osgb36_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    x, y, z = _to_cartesian(lat, lon, AIRY_A, _AIRY_E2)
    s, rx, ry, rz = _HELMERT_SCALE, _RX, _RY, _RZ
    x2 = HELMERT["tx"] + s * x - rz * y + ry * z
    y2 = HELMERT["ty"] + rz * x + s * y - rx * z
    z2 = HELMERT["tz"] - ry * x + rx * y + s * z
    return _from_cartesian(x2, y2, z2, WGS84_A, _WGS84_E2)


def grid_to_latlon(easting: float, northing: float) -> tuple[float, float]:
    """National Grid easting/northing (OSGB36) to WGS84 latitude/longitude in degrees."""
    return osgb36_to_wgs84(*grid_to_osgb36(easting, northing))


def in_uk(latitude: float, longitude: float) -> bool:
    return UK_LAT[0] <= latitude <= UK_LAT[1] and UK_LON[0] <= longitude <= UK_LON[1]


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Box:
    """A latitude/longitude rectangle that contains every point within `radius_m` of a centre."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float


def box_around(latitude: float, longitude: float, radius_m: float) -> Box:
    dlat = radius_m / METRES_PER_DEGREE_LAT
    # Longitude degrees shrink towards the poles; the box is widened to still hold the circle.
    dlon = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(latitude)), 0.01))
    return Box(latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon)

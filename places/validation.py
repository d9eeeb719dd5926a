"""Checks shared by every way a place comes in: staff forms, residents' forms, imports, Open311.

Each raises django's ValidationError with a plain sentence the caller shows in its own format.
"""

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from places.geo import UK_LAT, UK_LON, in_uk

UPRN_RE = re.compile(r"^[0-9]{1,12}$")
UPRN_MESSAGE = "A UPRN is a number of 1 to 12 digits, like 100023336956."
OUTSIDE_UK_MESSAGE = (
    "Those coordinates are outside the UK. Enter a latitude between "
    f"{UK_LAT[0]} and {UK_LAT[1]} and a longitude between {UK_LON[0]} and {UK_LON[1]}, "
    "like 51.455 and -0.971."
)
LOCATION_NEEDED = (
    "Say where it is: pick an address, type the address or location, or give the map coordinates."
)


def uprn_clean(value) -> str:
    """'' for blank, the digits for a valid UPRN (leading zeros dropped), else ValidationError."""
    text = str(value if value is not None else "").strip()
    if not text:
        return ""
    if not UPRN_RE.match(text) or int(text) == 0:
        raise ValidationError(UPRN_MESSAGE, code="uprn")
    return str(int(text))


def usrn_clean(value) -> str:
    text = str(value if value is not None else "").strip()
    if not text:
        return ""
    if not re.match(r"^[0-9]{1,12}$", text) or int(text) == 0:
        raise ValidationError(
            "A USRN (street reference) is a number of 1 to 12 digits, like 21300456.",
            code="usrn",
        )
    return str(int(text))


def coordinates_clean(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """Both or neither, as numbers inside the UK; rounded to six decimals (about 10 cm)."""
    blank_lat = latitude is None or str(latitude).strip() == ""
    blank_lon = longitude is None or str(longitude).strip() == ""
    if blank_lat and blank_lon:
        return None, None
    if blank_lat or blank_lon:
        raise ValidationError("Enter both the latitude and the longitude.", code="coordinates")
    try:
        lat = Decimal(str(latitude).strip())
        lon = Decimal(str(longitude).strip())
    except InvalidOperation:
        raise ValidationError(
            "Enter the coordinates as numbers, like 51.455 and -0.971.", code="coordinates"
        ) from None
    if not (lat.is_finite() and lon.is_finite()) or not in_uk(float(lat), float(lon)):
        raise ValidationError(OUTSIDE_UK_MESSAGE, code="outside_uk")
    return lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))

"""Reads of the gazetteer: the address picker's search, one address, and where a place is."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, Q

from citizens.normalise import postcode_compact
from places.models import GazetteerAddress

# A whole or partial postcode as typed: "RG1", "RG1 2", "rg12ab".
POSTCODE_START_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?(?:[0-9][A-Z]{0,2})?$")
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Place:
    """Where a report is: what was given, completed from the gazetteer where it can be."""

    uprn: str = ""
    usrn: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    postcode: str = ""
    # How the point was found: given, address (UPRN), street (USRN), postcode (centre) or "".
    point_source: str = ""

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None


def _house_number(line: str) -> tuple[int, str]:
    match = re.match(r"^\D*?(\d+)", line)
    return (int(match.group(1)) if match else 10**9, line)


def address_search(*, q: str, limit: int = SEARCH_LIMIT) -> list[GazetteerAddress]:
    """Addresses for the picker: by postcode (whole or its start), or by words of the address.

    "RG1 2AB" lists that postcode; "12 friar" finds 12 Friar Street. Street order, then house
    number in numeric order (2 before 10).
    """
    text = " ".join((q or "").split())
    if len(text) < 2:
        return []
    compact = postcode_compact(text)
    qs = GazetteerAddress.objects.all()
    if POSTCODE_START_RE.match(compact) and len(compact) >= 2:
        qs = qs.filter(postcode_compact__startswith=compact)
    else:
        words = [w for w in re.split(r"[\s,]+", text.lower()) if w]
        if not words or all(len(w) < 2 and not w.isdigit() for w in words):
            return []
        condition = Q()
        for word in words[:6]:
            condition &= Q(search_text__contains=word)
        qs = qs.filter(condition)
    rows = list(qs.order_by("postcode_compact", "street", "line_1")[: limit * 5])
    rows.sort(key=lambda a: (a.postcode_compact, a.street, _house_number(a.line_1)))
    return rows[:limit]


def address_get(*, uprn: str) -> GazetteerAddress | None:
    if not uprn:
        return None
    return GazetteerAddress.objects.filter(uprn=uprn).first()


def street_centre(*, usrn: str) -> tuple[Decimal, Decimal] | None:
    """The middle of a street (mean of its addresses), for a report about the street itself."""
    if not usrn:
        return None
    row = GazetteerAddress.objects.filter(usrn=usrn).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude"), n=Count("id")
    )
    if not row["n"]:
        return None
    return _six(row["lat"]), _six(row["lon"])


def postcode_centre(*, postcode: str) -> tuple[Decimal, Decimal] | None:
    compact = postcode_compact(postcode)
    if not compact:
        return None
    row = GazetteerAddress.objects.filter(postcode_compact=compact).aggregate(
        lat=Avg("latitude"), lon=Avg("longitude"), n=Count("id")
    )
    if not row["n"]:
        return None
    return _six(row["lat"]), _six(row["lon"])


def _six(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.000001"))


def place_resolve(
    *, uprn: str = "", usrn: str = "", latitude=None, longitude=None, postcode: str = ""
) -> Place:
    """Complete a place from the gazetteer: a UPRN brings its point and street; a street alone
    its middle; a postcode alone its centre (approximate). Given coordinates always win."""
    point_source = "given" if latitude is not None and longitude is not None else ""
    address = address_get(uprn=uprn) if uprn else None
    if address is not None:
        usrn = usrn or address.usrn
        postcode = postcode or address.postcode
        if not point_source:
            latitude, longitude, point_source = address.latitude, address.longitude, "address"
    if not point_source and usrn:
        centre = street_centre(usrn=usrn)
        if centre:
            (latitude, longitude), point_source = centre, "street"
    if not point_source and postcode:
        centre = postcode_centre(postcode=postcode)
        if centre:
            (latitude, longitude), point_source = centre, "postcode"
    return Place(
        uprn=uprn or "",
        usrn=usrn or "",
        latitude=latitude if point_source else None,
        longitude=longitude if point_source else None,
        postcode=postcode or "",
        point_source=point_source,
    )


def street_names(*, usrns) -> dict[str, str]:
    """USRN -> "Street, Town" for the given streets (one query), for publishing a place without
    its house number."""
    usrns = [u for u in usrns if u]
    if not usrns:
        return {}
    names = {}
    rows = (
        GazetteerAddress.objects.filter(usrn__in=usrns)
        .exclude(street="")
        .values_list("usrn", "street", "town")
        .distinct()
    )
    for usrn, street, town in rows:
        names.setdefault(usrn, ", ".join(p for p in [street, town] if p))
    return names

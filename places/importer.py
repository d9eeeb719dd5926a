"""Loading the council's address list (LLPG / AddressBase-style CSV) into the gazetteer.

Streaming: the file is read row by row and written in batches, so memory stays flat whatever
its size. Idempotent: rows are upserted by UPRN and a row whose values have not changed is not
written at all, so importing the same file twice reports every row "unchanged". A bad row never
stops the import: it is skipped and reported with its line number and a plain reason.
"""

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from citizens.normalise import postcode_normalise
from places.geo import GRID_EASTING, GRID_NORTHING, grid_to_latlon
from places.models import GazetteerAddress
from places.validation import coordinates_clean, uprn_clean, usrn_clean

BATCH_SIZE = 2000
MAX_REPORTED_ERRORS = 1000

# Our field -> the column names accepted for it (case and spaces ignored), first match wins.
COLUMNS = {
    "uprn": ["uprn"],
    "usrn": ["usrn"],
    "line_1": ["address_line_1", "line_1", "address1", "address_1", "address"],
    "line_2": ["address_line_2", "line_2", "address2", "address_2"],
    "street": ["street", "street_name", "street_description", "thoroughfare"],
    "town": ["town", "post_town", "town_name", "locality"],
    "postcode": ["postcode", "postcode_locator", "post_code"],
    "easting": ["easting", "x_coordinate", "x"],
    "northing": ["northing", "y_coordinate", "y"],
    "latitude": ["latitude", "lat"],
    "longitude": ["longitude", "lon", "lng", "long"],
}
FIELDS = [
    "usrn",
    "line_1",
    "line_2",
    "street",
    "town",
    "postcode",
    "postcode_compact",
    "search_text",
    "latitude",
    "longitude",
    "easting",
    "northing",
]


class GazetteerFileError(Exception):
    """The file as a whole cannot be read (no header, no UPRN column, no coordinates)."""


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, message))

    def summary(self) -> str:
        return (
            f"{self.read} rows read: {self.created} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.error_count} with errors."
        )


def _header_map(header: list[str]) -> dict[str, int]:
    normalised = [(h or "").strip().lower().replace(" ", "_") for h in header]
    found = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in normalised:
                found[name] = normalised.index(alias)
                break
    if "uprn" not in found:
        raise GazetteerFileError("The file has no UPRN column (expected a header row).")
    if "line_1" not in found:
        raise GazetteerFileError("The file has no address column (ADDRESS_LINE_1 or ADDRESS).")
    has_grid = "easting" in found and "northing" in found
    has_latlon = "latitude" in found and "longitude" in found
    if not (has_grid or has_latlon):
        raise GazetteerFileError(
            "The file has no coordinates: give EASTING and NORTHING, or LATITUDE and LONGITUDE."
        )
    return found


def _number(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} '{text}' is not a number.") from None
    if not value.is_finite():
        raise ValueError(f"{what} '{text}' is not a number.")
    return value


def row_to_values(cells: dict[str, str]) -> dict:
    """One row's cells (by our field names) -> model values. Raises ValueError with a reason."""
    try:
        uprn = uprn_clean(cells.get("uprn", ""))
        usrn = usrn_clean(cells.get("usrn", ""))
    except ValidationError as exc:
        raise ValueError(exc.messages[0]) from None
    if not uprn:
        raise ValueError("The UPRN is missing.")
    line_1 = cells.get("line_1", "").strip()
    if not line_1:
        raise ValueError("The address (first line) is missing.")
    postcode = cells.get("postcode", "").strip()
    if postcode:
        try:
            postcode = postcode_normalise(postcode)
        except ValueError:
            raise ValueError(f"'{postcode}' is not a UK postcode.") from None
    easting = northing = None
    lat_text, lon_text = cells.get("latitude", "").strip(), cells.get("longitude", "").strip()
    e_text, n_text = cells.get("easting", "").strip(), cells.get("northing", "").strip()
    if lat_text or lon_text:
        try:
            latitude, longitude = coordinates_clean(lat_text, lon_text)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    elif e_text and n_text:
        easting, northing = _number(e_text, "Easting"), _number(n_text, "Northing")
        if not (GRID_EASTING[0] <= easting <= GRID_EASTING[1]) or not (
            GRID_NORTHING[0] <= northing <= GRID_NORTHING[1]
        ):
            raise ValueError(
                f"Easting {e_text} / northing {n_text} is outside the British National Grid."
            )
        lat, lon = grid_to_latlon(float(easting), float(northing))
        latitude = Decimal(f"{lat:.6f}")
        longitude = Decimal(f"{lon:.6f}")
        easting, northing = easting.quantize(Decimal("0.01")), northing.quantize(Decimal("0.01"))
    else:
        raise ValueError("The coordinates are missing (easting/northing or latitude/longitude).")
    line_2 = cells.get("line_2", "").strip()
    street = cells.get("street", "").strip()
    town = cells.get("town", "").strip()
    return {
        "uprn": uprn,
        "usrn": usrn,
        "line_1": line_1[:200],
        "line_2": line_2[:200],
        "street": street[:120],
        "town": town[:100],
        "postcode": postcode,
        "postcode_compact": postcode.replace(" ", ""),
        "search_text": " ".join(p for p in [line_1, line_2, street, town] if p).lower()[:500],
        "latitude": latitude,
        "longitude": longitude,
        "easting": easting,
        "northing": northing,
    }


def _rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise GazetteerFileError("The file is empty.") from None
    columns = _header_map(header)
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        yield (
            reader.line_num,
            {
                name: cells[index].strip() if index < len(cells) else ""
                for name, index in columns.items()
            },
        )


def gazetteer_import(*, lines: Iterable[str], batch_size: int = BATCH_SIZE) -> ImportReport:
    """Upsert every good row of a gazetteer CSV (any iterable of text lines) by UPRN."""
    report = ImportReport()
    batch: dict[str, dict] = {}
    for line, cells in _rows(lines):
        report.read += 1
        try:
            values = row_to_values(cells)
        except ValueError as exc:
            report.error(line, str(exc))
            continue
        if values["uprn"] in batch:
            report.error(line, f"UPRN {values['uprn']} appears twice; this row was skipped.")
            continue
        batch[values["uprn"]] = values
        if len(batch) >= batch_size:
            _write(batch, report)
            batch = {}
    if batch:
        _write(batch, report)
    _analyze()
    return report


def _same(row: GazetteerAddress, values: dict) -> bool:
    return all(getattr(row, name) == values[name] for name in FIELDS)


def _write(batch: dict[str, dict], report: ImportReport) -> None:
    if connection.vendor == "postgresql":
        _write_copy(batch, report)
    else:
        _write_orm(batch, report)


STAGING = "places_gazetteer_staging"


@transaction.atomic
def _write_copy(batch: dict[str, dict], report: ImportReport) -> None:
    """PostgreSQL: COPY the batch into a temporary table, then one upsert that writes only the
    rows that are new or changed and says which were new (no per-row ORM work at all)."""
    table = connection.ops.quote_name(GazetteerAddress._meta.db_table)
    columns = ["uprn", *FIELDS]
    listed = ", ".join(columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} ({_staging_columns(columns)})"
        )
        cursor.execute(f"TRUNCATE {STAGING}")
        with cursor.cursor.copy(f"COPY {STAGING} ({listed}) FROM STDIN") as copy:
            for values in batch.values():
                copy.write_row([values[name] for name in columns])
        cursor.execute(
            f"""
            INSERT INTO {table} AS t ({listed}, imported_at)
            SELECT {listed}, now() FROM {STAGING}
            ON CONFLICT (uprn) DO UPDATE SET
                {", ".join(f"{name} = EXCLUDED.{name}" for name in FIELDS)},
                imported_at = EXCLUDED.imported_at
            WHERE ({", ".join(f"t.{name}" for name in FIELDS)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in FIELDS)})
            RETURNING (t.xmax = 0)
            """
        )
        written = [created for (created,) in cursor.fetchall()]
    report.created += sum(written)
    report.updated += len(written) - sum(written)
    report.unchanged += len(batch) - len(written)


def _staging_columns(columns: list[str]) -> str:
    fields = {f.name: f for f in GazetteerAddress._meta.fields}
    return ", ".join(f"{name} {fields[name].db_type(connection)}" for name in columns)


@transaction.atomic
def _write_orm(batch: dict[str, dict], report: ImportReport) -> None:
    """Other databases (SQLite): read the batch's rows, write the new and changed ones."""
    existing = {
        row.uprn: row
        for row in GazetteerAddress.objects.filter(uprn__in=list(batch)).only("uprn", *FIELDS)
    }
    changed = []
    for uprn, values in batch.items():
        row = existing.get(uprn)
        if row is not None and _same(row, values):
            report.unchanged += 1
            continue
        if row is None:
            report.created += 1
        else:
            report.updated += 1
        changed.append(GazetteerAddress(**values))
    if changed:
        GazetteerAddress.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["uprn"],
            update_fields=[*FIELDS, "imported_at"],
        )


def _analyze() -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL and SQLite alike)."""
    table = GazetteerAddress._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")

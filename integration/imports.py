"""Bulk import of citizens from another system's CSV file.

Each row is checked (the same form rules as the create screen: real dates, UK postcodes,
phone numbers), then matched:

- **matched**: the row names an existing citizen by reference (`reference` column), or the
  matcher puts one record in the "certain" band and `IMPORT_AUTO_LINK_CERTAIN` is on (switch it
  on only once the matcher's measured precision in that band is at least 0.999): linked, and
  the fields that differ are listed — nothing is overwritten;
- **new**: no one like them: a citizen is created;
- **needs review**: someone similar exists but not certainly: a citizen is created and the pair
  goes to the duplicates review, where a person compares the two and merges them or marks them
  as different people;
- **error**: the row is refused with its row number and the reasons; nothing of it is written.

A file that cannot be read as a whole (not UTF-8, no header, a required column missing, a line
longer than `MAX_FIELD_BYTES`) is refused before anything is written. The file is streamed row
by row; rows are written in batches, each batch in one transaction. Every row's outcome is kept
(`ImportRow`), so the same file imported again changes nothing: a row already imported from
the same source (same source key) is "unchanged". An import can be undone while none of the
citizens it created has been merged, edited or given contacts, requests or notes since.
"""

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.forms import CitizenForm
from citizens.matching.review import pairs_queue
from citizens.models import Citizen
from integration.matching import person_matches
from integration.models import ImportRow, ImportRun
from integration.signals import rows_imported

FIELDS = [
    "reference",
    "source_reference",
    "title",
    "first_name",
    "middle_names",
    "last_name",
    "date_of_birth",
    "email",
    "phone",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "uprn",
]
REQUIRED = ["last_name"]
PERSON = [f for f in FIELDS if f not in ("reference", "source_reference")]
MAX_FIELD_BYTES = 64 * 1024
BATCH_SIZE = 500
PREVIEW_ROWS = 50


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (nothing was written)."""


@dataclass
class Outcome:
    outcome: str
    data: dict
    errors: list[str] = field(default_factory=list)
    citizen_id: int | None = None
    candidates: list[dict] = field(default_factory=list)
    differences: list[dict] = field(default_factory=list)


def default_mapping(header: list[str]) -> dict[str, str]:
    """CSV column → field, for columns named like a field ("Last name", "last_name", "DOB")."""
    aliases = {"dob": "date_of_birth", "surname": "last_name", "forename": "first_name"}
    mapping = {}
    for column in header:
        key = column.strip().lower().replace(" ", "_").replace("-", "_")
        key = aliases.get(key, key)
        if key in FIELDS and key not in mapping.values():
            mapping[column] = key
    return mapping


def _text_rows(path):
    """(line number, row) from the file, streamed; ImportFileError for unreadable files."""
    csv.field_size_limit(MAX_FIELD_BYTES)
    with open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        reader = csv.reader(text)
        try:
            for row in reader:
                yield reader.line_num, row
        except UnicodeDecodeError:
            raise ImportFileError(
                "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8”."
            ) from None
        except csv.Error as exc:
            raise ImportFileError(
                f"Line {reader.line_num + 1} cannot be read ({exc}); a value may be longer "
                f"than {MAX_FIELD_BYTES // 1024} KB or a quote not closed."
            ) from None


def file_header(path) -> list[str]:
    for _, row in _text_rows(path):
        if any(cell.strip() for cell in row):
            return [cell.strip() for cell in row]
    raise ImportFileError("The file is empty: it needs a header row and at least one row.")


def mapping_check(header: list[str], mapping: dict[str, str]) -> None:
    unknown = [c for c in mapping if c not in header]
    if unknown:
        raise ImportFileError(f"These columns are not in the file: {', '.join(unknown)}.")
    bad = [f for f in mapping.values() if f not in FIELDS]
    if bad:
        raise ImportFileError(f"These are not fields that can be imported: {', '.join(bad)}.")
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise ImportFileError(f"Map a column to {', '.join(missing)}: every row needs one.")


def file_rows(path, mapping: dict[str, str]):
    """(row number, {field: value}) for each data row; row numbers count the header as 1."""
    header = None
    for line, row in _text_rows(path):
        if header is None:
            if not any(cell.strip() for cell in row):
                continue
            header = [cell.strip() for cell in row]
            mapping_check(header, mapping)
            index = {field: header.index(column) for column, field in mapping.items()}
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = {f: (row[i].strip() if i < len(row) else "") for f, i in index.items()}
        yield line, values


def source_key(source: str, values: dict) -> str:
    """What identifies a row across re-runs: the source system's own id if given, else the
    person's details as written."""
    if values.get("source_reference"):
        basis = f"ref:{values['source_reference'].strip().upper()}"
    else:
        basis = "|".join(values.get(f, "").strip().lower() for f in PERSON)
    return hashlib.sha256(f"{source}\n{basis}".encode()).hexdigest()


def _form(values):
    data = {f: values.get(f, "") for f in PERSON}
    if not data.get("email"):
        data["no_contact_details_reason"] = "Imported record without an email address"
    return CitizenForm(data)


def _differences(citizen: Citizen, cleaned: dict) -> list[dict]:
    from citizens.services import citizen_contact_values

    current = {f: getattr(citizen, f, "") for f in PERSON if hasattr(citizen, f)}
    current |= citizen_contact_values(citizen)
    out = []
    for name in PERSON:
        new = cleaned.get(name)
        if new in (None, ""):
            continue
        old = current.get(name)
        if str(old or "") != str(new):
            out.append({"field": name, "register": str(old or ""), "file": str(new)})
    return out


def row_assess(values: dict) -> Outcome:
    """Check and match one row without writing anything."""
    form = _form(values)
    valid = form.is_valid()
    errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
    reference = values.get("reference", "").strip().upper()
    if reference:
        citizen = Citizen.objects.filter(reference=reference).first()
        if citizen is None:
            return Outcome(
                "error", values, [f"reference: no citizen has the reference {reference}"]
            )
        if citizen.merged_into_id:
            citizen = Citizen.objects.get(pk=citizen.merged_into_id)
        errors.pop("email", None)  # the email on file may be this very person's
        if errors:
            return Outcome("error", values, _plain(errors))
        cleaned = {**form.cleaned_data} if valid else {}
        return Outcome(
            "matched", values, citizen_id=citizen.pk, differences=_differences(citizen, cleaned)
        )
    matches = person_matches(values)
    email_taken = "email" in errors and matches
    if email_taken:
        errors.pop("email")
    if errors:
        return Outcome("error", values, _plain(errors))
    candidates = [
        {"citizen_id": m.citizen_id, "band": m.band, "summary": m.summary} for m in matches
    ]
    certain = [m for m in matches if m.band == "certain"]
    if certain and len(certain) == 1 and settings.IMPORT_AUTO_LINK_CERTAIN:
        citizen = Citizen.objects.get(pk=certain[0].citizen_id)
        return Outcome(
            "matched",
            values,
            citizen_id=citizen.pk,
            candidates=candidates,
            differences=_differences(citizen, form.cleaned_data if valid else {}),
        )
    if matches:
        return Outcome("review", values, candidates=candidates)
    return Outcome("new", values)


def _plain(errors: dict) -> list[str]:
    return [f"{name}: {message}" for name, messages in errors.items() for message in messages]


@dataclass
class Progress:
    counts: Counter = field(default_factory=Counter)
    rows: int = 0


def _write(run: ImportRun, line: int, key: str, outcome: Outcome) -> ImportRow:
    from citizens.services import citizen_create

    citizen_id = outcome.citizen_id
    if outcome.outcome in ("new", "review"):
        form = _form(outcome.data)
        form.is_valid()
        citizen = citizen_create(
            actor=run.created_by,
            data={k: v for k, v in form.cleaned_data.items() if k in PERSON},
            confirm_new=True,
            new_person_reason=f"Imported from {run.source} (import {run.pk}, row {line})",
        )
        citizen_id = citizen.pk
        if outcome.outcome == "review":  # the two records side by side in the review queue
            pairs_queue([(citizen.pk, c["citizen_id"]) for c in outcome.candidates])
    return ImportRow(
        run=run,
        row_number=line,
        source_key=key,
        outcome=outcome.outcome,
        citizen_id=citizen_id,
        data=outcome.data,
        errors=outcome.errors,
        candidates=outcome.candidates,
        differences=outcome.differences,
        created=outcome.outcome in ("new", "review"),
    )


def import_run(run: ImportRun, *, commit: bool, on_progress=None) -> ImportRun:
    """Preview (commit=False) or import (commit=True) the run's file; fills the run's report."""
    mapping = run.mapping
    done_keys = set()
    if commit:
        done_keys = set(
            ImportRow.objects.filter(
                run__source=run.source, run__status=ImportRun.Status.IMPORTED, created=True
            )
            .exclude(run=run)
            .values_list("source_key", flat=True)
        ) | set(
            ImportRow.objects.filter(
                run__source=run.source, run__status=ImportRun.Status.IMPORTED, outcome="matched"
            ).values_list("source_key", flat=True)
        )
    counts: Counter = Counter()
    preview: list[dict] = []
    batch: list[tuple[int, str, Outcome]] = []
    total = 0

    def flush():
        if not batch:
            return
        with transaction.atomic():
            rows = []
            for line, key, outcome in batch:
                if outcome.outcome == "error" or not commit:
                    rows.append(
                        ImportRow(
                            run=run,
                            row_number=line,
                            source_key=key,
                            outcome=outcome.outcome,
                            citizen_id=outcome.citizen_id,
                            data=outcome.data,
                            errors=outcome.errors,
                            candidates=outcome.candidates,
                            differences=outcome.differences,
                        )
                    )
                else:
                    rows.append(_write(run, line, key, outcome))
            ImportRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            touched = [r for r in rows if r.citizen_id and r.outcome != "error"]
            if commit and touched:
                rows_imported.send(
                    sender=ImportRow, rows=touched, actor=run.created_by, source=run.source
                )
            ImportRun.objects.filter(pk=run.pk).update(rows_done=total)
        batch.clear()
        if on_progress:
            on_progress(total)

    ImportRow.objects.filter(run=run).delete()  # a preview's rows are replaced by the import
    seen_in_file = set()
    try:
        for line, values in file_rows(run.file_path, mapping):
            total += 1
            key = source_key(run.source, values)
            if key in done_keys or key in seen_in_file:
                outcome = Outcome("unchanged", values)
            else:
                outcome = row_assess(values)
            seen_in_file.add(key)
            counts[outcome.outcome] += 1
            if len(preview) < PREVIEW_ROWS:
                preview.append({"row": line, **outcome.__dict__})
            batch.append((line, key, outcome))
            if len(batch) >= BATCH_SIZE:
                flush()
        flush()
    except ImportFileError as exc:
        ImportRow.objects.filter(run=run).delete()
        run.status = ImportRun.Status.FAILED
        run.error = str(exc)
        run.save(update_fields=["status", "error"])
        return run
    run.counts = dict(counts)
    run.rows_total = run.rows_done = total
    run.status = ImportRun.Status.IMPORTED if commit else ImportRun.Status.PREVIEWED
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "rows_total", "rows_done", "status", "finished_at"])
    if commit:
        _analyze()
        audit_record(
            actor=run.created_by,
            action=AuditEvent.Action.CREATE,
            obj=run,
            detail={"source": run.source, "counts": run.counts},
        )
    return run


def _analyze():
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("citizens_citizen", "citizens_address", "citizens_emailaddress"):
                cursor.execute(f"ANALYZE {table}")


def undo_refusals(run: ImportRun) -> list[str]:
    """Why the import cannot be undone (empty when it can): one sentence per record."""
    from contacts.models import Contact
    from requests_tracking.models import Request

    ids = list(run.rows.filter(created=True).values_list("citizen_id", flat=True))
    refusals = []
    people = Citizen.objects.filter(pk__in=ids).only("reference", "status", "version")
    busy_contacts = set(
        Contact.objects.filter(citizen_id__in=ids).values_list("citizen_id", flat=True)
    )
    busy_requests = set(
        Request.objects.filter(citizen_id__in=ids).values_list("citizen_id", flat=True)
    )
    merged_in = set(
        Citizen.objects.filter(merged_into_id__in=ids).values_list("merged_into_id", flat=True)
    )
    for person in people:
        reasons = []
        if person.status != Citizen.Status.ACTIVE:
            reasons.append("has been merged")
        if person.pk in merged_in:
            reasons.append("has had another record merged into it")
        if person.version > 1:
            reasons.append("has been edited")
        if person.pk in busy_contacts:
            reasons.append("has contacts")
        if person.pk in busy_requests:
            reasons.append("has requests")
        if person.notes.exists():
            reasons.append("has notes")
        if reasons:
            refusals.append(f"{person.reference} {' and '.join(reasons)} since the import.")
    return refusals

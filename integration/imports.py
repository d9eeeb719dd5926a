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

from django import forms
from django.conf import settings
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from citizens.forms import CitizenForm
from citizens.matching.review import pairs_queue
from citizens.models import Citizen
from core.threads import InThread
from integration.matching import person_matches_many
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
BATCH_SIZE = 5000  # rows checked, matched and written together (one transaction)
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
    # The checked values a new record is created from (not part of the report).
    cleaned: dict = field(default_factory=dict, repr=False)


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


class ImportRowForm(CitizenForm):
    """The create form's rules for one row, with the email check answered for the whole batch
    beforehand (`taken`: lower-cased address → its holder) instead of one query per row."""

    def __init__(self, *args, taken=None, **kwargs):
        self.taken = taken or {}
        super().__init__(*args, **kwargs)

    def check(self, data: dict) -> bool:
        """Check another row with this same form: its fields are copied once per batch, not
        once per row (that copy was most of a row's checking time). Everything a check leaves
        behind (errors, cleaned values, changed fields) is reset first, so the errors are those
        a new form gives (`tests/integration/test_import_row_check.py`)."""
        self.data = data
        self.is_bound = True
        self._errors = None
        self.__dict__.pop("changed_data", None)
        self.__dict__.pop("cleaned_data", None)
        return self.is_valid()

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip()
        holder = self.taken.get(email.lower()) if email else None
        if holder:
            raise forms.ValidationError(
                f"This email address belongs to {holder.full_name} "
                f"({holder.reference}): each email can be on one record only"
            )
        return email


def _emails_taken(rows: list[dict]) -> dict[str, Citizen]:
    """Lower-cased email → the citizen holding it, for the emails of these rows (one query)."""
    from citizens.models import EmailAddress

    wanted = {(v.get("email") or "").strip().lower() for v in rows} - {""}
    if not wanted:
        return {}
    held = (
        EmailAddress.objects.annotate(e=Lower("email"))
        .filter(e__in=sorted(wanted))
        .select_related("citizen")
        .order_by("id")
    )
    taken: dict[str, Citizen] = {}
    for row in held:
        taken.setdefault(row.e, row.citizen)
    return taken


def _row_data(values) -> dict:
    data = {f: values.get(f, "") for f in PERSON}
    if not data.get("email"):
        data["no_contact_details_reason"] = "Imported record without an email address"
    return data


def _form(values, taken=None):
    return ImportRowForm(_row_data(values), taken=taken)


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
    return rows_assess([values])[0]


def rows_assess(rows: list[dict]) -> list[Outcome]:
    """Check and match a batch of rows without writing anything, in a fixed number of queries:
    one for the emails already held, one for the citizen references named, the matcher's
    batch (one query per blocking key) and one to load the records rows are linked to."""
    taken = _emails_taken(rows)
    checked = []
    form = ImportRowForm(taken=taken)  # one form for the batch, each row checked in turn
    for values in rows:
        valid = form.check(_row_data(values))
        errors = {k: [str(e) for e in v] for k, v in form.errors.items()}
        cleaned = {**form.cleaned_data} if valid else {}
        checked.append((values, valid, errors, cleaned))
    references = {v.get("reference", "").strip().upper() for v in rows} - {""}
    by_reference = {c.reference: c for c in Citizen.objects.filter(reference__in=references)}
    # A row with errors other than the email is refused whatever the matcher says.
    to_match = [
        i
        for i, (values, _valid, errors, _cleaned) in enumerate(checked)
        if not values.get("reference", "").strip() and (not errors or "email" in errors)
    ]
    matched = dict(zip(to_match, person_matches_many([rows[i] for i in to_match]), strict=True))
    outcomes: list = [None] * len(rows)
    linked: dict[int, list] = {}  # citizen id → rows whose differences need the record
    for i, (values, valid, errors, cleaned) in enumerate(checked):
        reference = values.get("reference", "").strip().upper()
        if reference:
            citizen = by_reference.get(reference)
            if citizen is None:
                outcomes[i] = Outcome(
                    "error", values, [f"reference: no citizen has the reference {reference}"]
                )
                continue
            citizen_id = citizen.merged_into_id or citizen.pk
            errors.pop("email", None)  # the email on file may be this very person's
            if errors:
                outcomes[i] = Outcome("error", values, _plain(errors))
                continue
            outcomes[i] = Outcome("matched", values, citizen_id=citizen_id)
            linked.setdefault(citizen_id, []).append((i, cleaned))
            continue
        matches = matched.get(i, [])
        email_taken = "email" in errors and matches
        if email_taken:
            errors.pop("email")
        if errors:
            outcomes[i] = Outcome("error", values, _plain(errors))
            continue
        candidates = [
            {"citizen_id": m.citizen_id, "band": m.band, "summary": m.summary} for m in matches
        ]
        certain = [m for m in matches if m.band == "certain"]
        if certain and len(certain) == 1 and settings.IMPORT_AUTO_LINK_CERTAIN:
            citizen_id = certain[0].citizen_id
            outcomes[i] = Outcome("matched", values, citizen_id=citizen_id, candidates=candidates)
            linked.setdefault(citizen_id, []).append((i, cleaned if valid else {}))
        elif matches:
            outcomes[i] = Outcome("review", values, candidates=candidates, cleaned=cleaned)
        else:
            outcomes[i] = Outcome("new", values, cleaned=cleaned)
    if linked:
        records = Citizen.objects.filter(pk__in=list(linked)).prefetch_related(
            "emails", "phones", "addresses"
        )
        for citizen in records:
            for i, cleaned in linked[citizen.pk]:
                outcomes[i].differences = _differences(citizen, cleaned)
    return outcomes


def _plain(errors: dict) -> list[str]:
    return [f"{name}: {message}" for name, messages in errors.items() for message in messages]


@dataclass
class Progress:
    counts: Counter = field(default_factory=Counter)
    rows: int = 0


def _create(run: ImportRun, written: list[tuple[int, Outcome]]) -> None:
    """Create the citizens of a batch's new and needs-review rows in one go, and put each
    needs-review row's record beside its candidates in the review queue."""
    from citizens.services import citizens_create_many

    citizens = citizens_create_many(
        actor=run.created_by,
        items=[
            (
                {k: v for k, v in outcome.cleaned.items() if k in PERSON},
                f"Imported from {run.source} (import {run.pk}, row {line})",
            )
            for line, outcome in written
        ],
    )
    pairs = []
    for (_line, outcome), citizen in zip(written, citizens, strict=True):
        outcome.citizen_id = citizen.pk
        if outcome.outcome == "review":  # the two records side by side in the review queue
            pairs += [(citizen.pk, c["citizen_id"]) for c in outcome.candidates]
    if pairs:
        pairs_queue(pairs)


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
    total = done = 0
    # A preview writes no citizens, so its batches do not depend on each other: on PostgreSQL
    # (outside a transaction, as the task and the command run it) the next batch is checked
    # and matched in a second thread while this one is, so the database's half of the work
    # (the matcher's pairs query) runs beside Python's. An import matches each batch against
    # the citizens the batch before it created, so it goes one batch at a time.
    pipelined = not commit and connection.vendor == "postgresql" and not connection.in_atomic_block
    in_flight: list = []  # batches being checked: (their rows, their pending outcomes)

    def write(items, outcomes):
        nonlocal done
        pending = [i for i, item in enumerate(items) if not isinstance(item[2], Outcome)]
        for i, outcome in zip(pending, outcomes, strict=True):
            line, key, _values = items[i]
            items[i] = (line, key, outcome)
        for line, _key, outcome in items:
            counts[outcome.outcome] += 1
            if len(preview) < PREVIEW_ROWS:
                preview.append({"row": line, **outcome.__dict__})
        done += len(items)
        with transaction.atomic():
            created = [
                (line, outcome)
                for line, _key, outcome in items
                if commit and outcome.outcome in ("new", "review")
            ]
            if created:
                _create(run, created)
            rows = [
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
                    created=commit and outcome.outcome in ("new", "review"),
                )
                for line, key, outcome in items
            ]
            ImportRow.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            touched = [r for r in rows if r.citizen_id and r.outcome != "error"]
            if commit and touched:
                rows_imported.send(
                    sender=ImportRow, rows=touched, actor=run.created_by, source=run.source
                )
            ImportRun.objects.filter(pk=run.pk).update(rows_done=done)
        if on_progress:
            on_progress(done)

    def flush(*, last=False):
        if batch:
            items = list(batch)
            batch.clear()
            values = [item[2] for item in items if not isinstance(item[2], Outcome)]
            if pipelined:
                in_flight.append((items, InThread(rows_assess, values)))
            else:
                write(items, rows_assess(values))
        while len(in_flight) > (0 if last else 1):  # one batch stays in flight till the end
            items, job = in_flight.pop(0)
            write(items, job.result())

    ImportRow.objects.filter(run=run).delete()  # a preview's rows are replaced by the import
    seen_in_file = set()
    try:
        for line, values in file_rows(run.file_path, mapping):
            total += 1
            key = source_key(run.source, values)
            if key in done_keys or key in seen_in_file:
                batch.append((line, key, Outcome("unchanged", values)))
            else:
                batch.append((line, key, values))  # checked and matched with its batch
            seen_in_file.add(key)
            if len(batch) >= BATCH_SIZE:
                flush()
        flush(last=True)
    except ImportFileError as exc:
        for _items, job in in_flight:  # let a batch being checked finish (it writes nothing)
            job.wait()
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

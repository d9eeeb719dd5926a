import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from citizens.models import Citizen
from contacts.models import Contact
from integration.models import ImportRow, ImportRun
from integration.services import import_undo
from tests.factories import AddressFactory, CitizenFactory, ContactFactory

pytestmark = pytest.mark.django_db

HEADER = "reference,first_name,last_name,date_of_birth,email,postcode,address_line_1\n"


def run_import(tmp_path, text, *args, name="people.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    out = io.StringIO()
    call_command("import_citizens", str(path), "--source", "council-tax", *args, stdout=out)
    return out.getvalue(), ImportRun.objects.order_by("-pk").first()


@pytest.fixture
def register():
    known = CitizenFactory(first_name="Mary", last_name="Jones", date_of_birth="1970-05-01")
    AddressFactory(citizen=known, postcode="SW1A 1AA", line_1="1 High Street")
    similar = CitizenFactory(first_name="Peter", last_name="Smith", date_of_birth="1980-02-03")
    return known, similar


def csv_text(known):
    return HEADER + (
        f"{known.reference},Mary,Jones,1970-05-01,,SW1A 1AA,2 Low Road\n"  # matched (reference)
        ",Peter,Smith,1980-02-03,,,\n"  # needs review: same name and date of birth
        ",Olu,Adeyemi,1991-07-08,olu@example.com,E1 6AN,3 Brick Lane\n"  # new
        ",Bad,Date,31/02/1990,,,\n"  # error: no such date
        ",Bad,Postcode,,,NOT A POSTCODE,\n"  # error: postcode
    )


def test_three_outcomes_and_errors_with_row_numbers(tmp_path, register):
    known, similar = register
    output, run = run_import(tmp_path, csv_text(known))
    assert run.counts == {"matched": 1, "review": 1, "new": 1, "error": 2}
    rows = {r.row_number: r for r in run.rows.all()}
    assert rows[2].outcome == "matched"
    assert rows[2].citizen_id == known.pk
    assert rows[2].differences == [
        {"field": "address_line_1", "register": "1 High Street", "file": "2 Low Road"}
    ]
    assert rows[3].outcome == "review"
    assert [c["citizen_id"] for c in rows[3].candidates] == [similar.pk]
    assert rows[4].outcome == "new"
    assert Citizen.objects.get(pk=rows[4].citizen_id).last_name == "Adeyemi"
    assert rows[5].outcome == "error"
    assert "date_of_birth" in rows[5].errors[0]
    assert rows[6].outcome == "error"
    assert "postcode" in rows[6].errors[0]
    assert "row 5: date_of_birth" in output
    from timeline.models import Entry

    assert Entry.objects.get(citizen=known, kind="record_imported").summary == (
        "Import from council-tax: row 2 matched to this record"
    )
    # The matched record was not overwritten; review rows are created for the duplicates review
    known.refresh_from_db()
    assert known.addresses.get(is_current=True).line_1 == "1 High Street"
    assert Citizen.objects.filter(last_name="Smith").count() == 2
    from citizens.models import DuplicatePair

    pair = DuplicatePair.objects.get(status="open")  # in the person-matching review queue
    assert {pair.citizen_a_id, pair.citizen_b_id} == {similar.pk, rows[3].citizen_id}


def test_dry_run_writes_nothing(tmp_path, register):
    known, _ = register
    before = Citizen.objects.count()
    output, run = run_import(tmp_path, csv_text(known), "--dry-run")
    assert output.startswith("Checked 5 rows")
    assert run.status == "previewed"
    assert Citizen.objects.count() == before


def test_importing_the_same_file_again_changes_nothing(tmp_path, register):
    known, _ = register
    run_import(tmp_path, csv_text(known))
    count = Citizen.objects.count()
    _, again = run_import(tmp_path, csv_text(known))
    assert Citizen.objects.count() == count
    assert again.counts == {"unchanged": 3, "error": 2}


def test_undo_withdraws_what_the_import_created(tmp_path, register, administrator):
    known, _ = register
    _, run = run_import(tmp_path, csv_text(known))
    created = list(run.rows.filter(created=True).values_list("citizen_id", flat=True))
    assert import_undo(actor=administrator, run=run) == []
    assert set(Citizen.objects.filter(pk__in=created).values_list("status", flat=True)) == {
        "withdrawn"
    }
    assert Citizen.objects.get(pk=known.pk).status != "withdrawn"
    assert Citizen.objects.filter(pk__in=created, emails__isnull=False).count() == 0


def test_undo_is_refused_when_a_created_record_has_been_used(tmp_path, register, administrator):
    known, _ = register
    _, run = run_import(tmp_path, csv_text(known))
    new = Citizen.objects.get(last_name="Adeyemi")
    ContactFactory(citizen=new)
    refusals = import_undo(actor=administrator, run=run)
    assert refusals == [f"{new.reference} has contacts since the import."]
    assert Citizen.objects.get(pk=new.pk).status == "active"
    assert Contact.objects.filter(citizen=new).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("first_name,last_name\nJosé,Núñez\n".encode("utf-16"), "not UTF-8"),
        (b"first_name,surname_missing\nA,B\n", "Map a column to last_name"),
        (b"", "empty"),
        (b"last_name,first_name\n" + b'"' + b"x" * (70 * 1024) + b'",A\n', "cannot be read"),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing(tmp_path, register, content, message):
    before = Citizen.objects.count()
    with pytest.raises(CommandError, match=message):
        run_import(tmp_path, content)
    assert Citizen.objects.count() == before
    assert not ImportRow.objects.exists()


def test_quoted_newlines_and_unknown_columns_are_fine(tmp_path, register):
    text = (
        "last_name,first_name,colour,address_line_1,postcode\n"
        'Newline,Ann,blue,"Flat 1\n2 Road",E1 6AN\n'
    )
    _, run = run_import(tmp_path, text)
    assert run.counts == {"new": 1}
    assert run.rows.get().row_number == 3  # the row ends on line 3 of the file


def test_upload_map_preview_import_and_download_rejected_rows(
    admin_client_, register, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    known, _ = register
    upload = SimpleUploadedFile(
        "tax.csv",
        (
            "Ref,Forename,Surname,DOB,Email,Post code,Street\n" + csv_text(known).split("\n", 1)[1]
        ).encode(),
        content_type="text/csv",
    )
    response = admin_client_.post(
        "/integration/imports/", {"source": "Council tax", "file": upload}
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = admin_client_.get(response["Location"])
    assert "Which field is in each column?" in page.content.decode()
    # Columns named differently are mapped by hand: Ref, Post code and Street are not guessed.
    assert run.mapping == {
        "Forename": "first_name",
        "Surname": "last_name",
        "DOB": "date_of_birth",
        "Email": "email",
    }
    mapping = {
        "col_0": "reference",
        "col_1": "first_name",
        "col_2": "last_name",
        "col_3": "date_of_birth",
        "col_4": "email",
        "col_5": "postcode",
        "col_6": "address_line_1",
    }
    with django_capture_on_commit_callbacks(execute=True):  # the task runs after commit
        admin_client_.post(response["Location"], mapping | {"action": "preview"})
    run.refresh_from_db()
    assert run.status == "previewed"
    assert run.counts == {"matched": 1, "review": 1, "new": 1, "error": 2}
    before = Citizen.objects.count()
    assert Citizen.objects.count() == before
    with django_capture_on_commit_callbacks(execute=True):
        admin_client_.post(response["Location"], mapping | {"action": "import"})
    run.refresh_from_db()
    assert run.status == "imported"
    assert Citizen.objects.count() == before + 2
    report = admin_client_.get(response["Location"]).content.decode()
    assert "Undo this import" in report
    rejected = admin_client_.get(f"/integration/imports/{run.pk}/not-imported.csv")
    lines = b"".join(rejected.streaming_content).decode().splitlines()
    assert lines[0].startswith("row,reasons,reference,first_name,last_name")
    assert [line.split(",")[0] for line in lines[1:]] == ["5", "6"]


def test_mapping_form_says_what_is_wrong(admin_client_, register, administrator):
    from integration.services import import_upload

    run = import_upload(actor=administrator, source="x", name="a.csv", chunks=[b"a,b\nSmith,Jo\n"])
    page = admin_client_.post(
        f"/integration/imports/{run.pk}/",
        {"col_0": "first_name", "col_1": "first_name", "action": "preview"},
    )
    text = page.content.decode()
    assert "Each field can come from one column only: First name" in text
    assert "There is a problem" in text


def test_only_administrators_import(agent_client):
    assert agent_client.get("/integration/imports/").status_code == 403


def test_progress_bar_polls_while_running_then_reloads_the_report(admin_client_, administrator):
    from integration.services import import_upload

    run = import_upload(
        actor=administrator, source="x", name="a.csv", chunks=[b"last_name\nSmith\n"]
    )
    ImportRun.objects.filter(pk=run.pk).update(status="importing", rows_total=200, rows_done=50)
    running = admin_client_.get(f"/integration/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    text = running.content.decode()
    assert '<progress max="100" value="25"' in text
    assert 'hx-trigger="every 2s"' in text
    assert "<html" not in text  # only the partial
    ImportRun.objects.filter(pk=run.pk).update(status="imported", rows_done=200)
    done = admin_client_.get(f"/integration/imports/{run.pk}/", HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="batches are checked side by side on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_preview_checks_the_next_batch_beside_this_one_with_the_same_report(
    tmp_path, monkeypatch
):
    """Outside a transaction (as the task and the command run it) a preview checks and matches
    the next batch in a second thread while this one is checked: the report is the one the
    batches give one at a time, row for row, and the second thread's connection is closed."""
    import threading

    from django.db import transaction

    from integration import imports
    from integration.services import import_upload

    known, _similar = (
        CitizenFactory(first_name="Mary", last_name="Jones", date_of_birth="1970-05-01"),
        CitizenFactory(first_name="Peter", last_name="Smith", date_of_birth="1980-02-03"),
    )
    AddressFactory(citizen=known, postcode="SW1A 1AA", line_1="1 High Street")
    rows = [
        f"{known.reference},Mary,Jones,1970-05-01,,SW1A 1AA,2 Low Road",
        ",Peter,Smith,1980-02-03,,,",
        ",Petre,Smith,1980-02-03,,,",
        ",Bad,Date,31/02/1990,,,",
        ",Bad,Postcode,,,NOT A POSTCODE,",
    ] + [
        f",Person{n},Newname{n},1990-01-{n % 28 + 1:02d},,E1 6AN,{n} Brick Lane" for n in range(30)
    ]
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\n".join(rows) + "\n")
    monkeypatch.setattr(imports, "BATCH_SIZE", 4)  # nine batches
    threads, used = set(), []
    assess = imports.rows_assess

    def recorded(values):
        threads.add(threading.get_ident())
        used.append(connections["default"])  # the calling thread's own
        return assess(values)

    monkeypatch.setattr(imports, "rows_assess", recorded)

    def report(run):
        return [
            (r.row_number, r.outcome, r.citizen_id, r.errors, r.candidates, r.differences)
            for r in run.rows.order_by("row_number")
        ]

    with path.open("rb") as f:
        run = import_upload(actor=None, source="council-tax", name="people.csv", chunks=[f.read()])
    with transaction.atomic():  # one batch after another
        imports.import_run(run, commit=False)
    one_at_a_time = (report(run), dict(run.counts))
    assert threads == {threading.get_ident()}
    imports.import_run(run, commit=False)
    assert (report(run), dict(run.counts)) == one_at_a_time
    assert len(threads) > 1  # batches were checked in other threads
    assert one_at_a_time[1] == {"matched": 1, "review": 2, "new": 30, "error": 2}
    # The other threads' connections were closed when their batch was done.
    others = [w for w in used if w is not connections["default"]]
    assert others
    assert all(w.connection is None for w in others)

import io

import pytest
from django.core.management import CommandError, call_command

from places.demo import DEMO_FILE
from places.importer import gazetteer_import
from places.models import GazetteerAddress

HEADER = "UPRN,USRN,ADDRESS_LINE_1,ADDRESS_LINE_2,STREET,TOWN,POSTCODE,EASTING,NORTHING\n"
GOOD = [
    "100023336956,21300456,1 Friar Street,,Friar Street,Reading,RG1 1AA,471588,172706\n",
    "100023336957,21300456,2 Friar Street,,Friar Street,Reading,rg11aa,471602,172688\n",
]


def _import(text):
    return gazetteer_import(lines=io.StringIO(text))


@pytest.mark.django_db
def test_import_converts_easting_northing_to_latitude_longitude():
    report = _import(HEADER + "".join(GOOD))
    assert (report.read, report.created, report.error_count) == (2, 2, 0)
    first = GazetteerAddress.objects.get(uprn="100023336956")
    assert float(first.latitude) == pytest.approx(51.448825, abs=2e-6)
    assert float(first.longitude) == pytest.approx(-0.971223, abs=2e-6)
    assert first.usrn == "21300456"
    assert GazetteerAddress.objects.get(uprn="100023336957").postcode == "RG1 1AA"


@pytest.mark.django_db
def test_import_twice_changes_nothing_the_second_time():
    _import(HEADER + "".join(GOOD))
    stamps = dict(GazetteerAddress.objects.values_list("uprn", "imported_at"))
    again = _import(HEADER + "".join(GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert dict(GazetteerAddress.objects.values_list("uprn", "imported_at")) == stamps
    assert GazetteerAddress.objects.count() == 2


@pytest.mark.django_db
def test_import_updates_a_changed_row_by_uprn():
    _import(HEADER + "".join(GOOD))
    changed = GOOD[0].replace("1 Friar Street", "1A Friar Street")
    report = _import(HEADER + changed + GOOD[1])
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert GazetteerAddress.objects.get(uprn="100023336956").line_1 == "1A Friar Street"


@pytest.mark.django_db
def test_import_accepts_latitude_longitude_files():
    text = "uprn,address,postcode,latitude,longitude\n5,Bus shelter,RG1 1AA,51.45,-0.97\n"
    report = _import(text)
    assert report.created == 1
    row = GazetteerAddress.objects.get(uprn="5")
    assert (str(row.latitude), str(row.longitude), row.easting) == ("51.450000", "-0.970000", None)


@pytest.mark.django_db
def test_bad_rows_are_reported_with_their_line_and_the_rest_imported():
    rows = [
        GOOD[0],
        "1234567890123,,3 Friar Street,,,Reading,RG1 1AA,471588,172706\n",  # 13 digits
        "12AB,,4 Friar Street,,,Reading,RG1 1AA,471588,172706\n",
        "7,,,,,Reading,RG1 1AA,471588,172706\n",  # no address
        "8,,8 Friar Street,,,Reading,NOT A CODE,471588,172706\n",
        "9,,9 Friar Street,,,Reading,RG1 1AA,,\n",  # no coordinates
        "10,,10 Friar Street,,,Reading,RG1 1AA,east,172706\n",
        "11,,11 Friar Street,,,Reading,RG1 1AA,900000,172706\n",  # off the grid
        "100023336956,,1 Friar Street again,,,Reading,RG1 1AA,471588,172706\n",  # repeated
        "12,,12 Friar Street\n",  # short row
    ]
    report = _import(HEADER + "".join(rows))
    assert report.created == 1
    lines = dict(report.errors)
    assert sorted(lines) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "1 to 12 digits" in lines[3]
    assert "1 to 12 digits" in lines[4]
    assert lines[5] == "The address (first line) is missing."
    assert lines[6] == "'NOT A CODE' is not a UK postcode."
    assert "coordinates are missing" in lines[7]
    assert "'east' is not a number" in lines[8]
    assert "outside the British National Grid" in lines[9]
    assert "appears twice" in lines[10]
    assert "coordinates are missing" in lines[11]


@pytest.mark.django_db
def test_command_reports_and_refuses_files_it_cannot_read(tmp_path):
    path = tmp_path / "llpg.csv"
    path.write_text(HEADER + GOOD[0] + "x,,,,,,,,\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_gazetteer", str(path), stdout=out)
    assert "line 3: A UPRN is a number of 1 to 12 digits" in out.getvalue()
    assert "2 rows read: 1 new, 0 updated, 0 unchanged, 1 with errors." in out.getvalue()

    no_uprn = tmp_path / "no_uprn.csv"
    no_uprn.write_text("ADDRESS,EASTING,NORTHING\n1 A Street,1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no UPRN column"):
        call_command("import_gazetteer", str(no_uprn), stdout=io.StringIO())
    with pytest.raises(CommandError, match="There is no file"):
        call_command("import_gazetteer", str(tmp_path / "missing.csv"), stdout=io.StringIO())
    binary = tmp_path / "zip.csv"
    binary.write_bytes(b"PK\x03\x04\xff\xfe\x00")
    with pytest.raises(CommandError, match="not a UTF-8 text file"):
        call_command("import_gazetteer", str(binary), stdout=io.StringIO())


@pytest.mark.django_db
def test_import_writes_in_batches_without_losing_rows():
    rows = [
        f"{1000 + i},77,{i} Long Road,,Long Road,Reading,RG1 1AA,{470000 + i},{172000 + i}\n"
        for i in range(25)
    ]
    report = gazetteer_import(lines=io.StringIO(HEADER + "".join(rows)), batch_size=4)
    assert (report.read, report.created) == (25, 25)
    assert GazetteerAddress.objects.filter(usrn="77").count() == 25


@pytest.mark.django_db
def test_demo_gazetteer_file_imports_cleanly():
    with open(DEMO_FILE, encoding="utf-8") as handle:
        report = gazetteer_import(lines=handle)
    assert report.error_count == 0
    assert report.created > 1000
    assert GazetteerAddress.objects.values("usrn").distinct().count() == 60

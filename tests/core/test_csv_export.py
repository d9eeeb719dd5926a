"""The one CSV writer: formula cells neutralised, numbers left alone, streamed, used by all."""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from core.csv_export import csv_cell, csv_response

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700 900982", "'+44 7700 900982"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain words", "Plain words"),
        ("a=b", "a=b"),
        (None, ""),
        ("-12.50", "-12.50"),
    ],
)
def test_text_cells_that_a_spreadsheet_would_run_get_an_apostrophe(value, written):
    assert csv_cell(value) == written


@pytest.mark.parametrize("number", [-5, -2.5, Decimal("-12.50"), 0, 42])
def test_numbers_are_never_touched(number):
    assert csv_cell(number) == number


def test_the_response_streams_safe_rows():
    def rows():
        yield ["Name", "Balance"]
        yield ["=1+1", -3]

    response = csv_response(rows=rows(), filename="x.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    body = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(body))) == [["Name", "Balance"], ["'=1+1", "-3"]]


def test_no_module_writes_csv_for_download_without_the_shared_writer():
    """Every export goes through core.csv_export: no other csv.writer or text/csv response."""
    allowed = {
        "core/csv_export.py",
        "places/demo.py",  # writes the demo gazetteer file to disk, not a download
    }
    pattern = re.compile(r"csv\.(writer|DictWriter)\(|text/csv")
    offenders = []
    for path in ROOT.glob("*/**/*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.split("/")[0] in {".venv", "node_modules", "tests", "bench", "static", "var"}:
            continue
        if rel in allowed or "/migrations/" in rel:
            continue
        if pattern.search(path.read_text(encoding="utf-8")):
            offenders.append(rel)
    assert offenders == []

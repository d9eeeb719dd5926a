"""Demo data reads like one real borough, and seeding leaves planner statistics."""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from citizens.demo import STREET_KINDS, TOWNS
from citizens.models import Address
from requests_tracking.demo import DESCRIPTIONS, PLACE_BASED
from requests_tracking.models import Request

pytestmark = pytest.mark.django_db
# Outward code, space, digit and two letters that are never C, I, K, M, O or V.
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$")


def test_demo_data_reads_like_one_borough_and_leaves_planner_statistics():
    """One demo load (it takes a while) checked three ways."""
    with CaptureQueriesContext(connection) as queries:
        call_command("seed_demo", citizens=150, seed=11, stdout=io.StringIO())
    _addresses_are_in_one_real_area_with_valid_postcodes()
    _requests_make_sense_for_their_process()
    _seeding_analyzes_the_tables_it_filled([q["sql"] for q in queries.captured_queries])


def _addresses_are_in_one_real_area_with_valid_postcodes():
    districts = {town: set(codes) for town, codes, _ in TOWNS}
    addresses = list(Address.objects.all())
    assert len(addresses) >= 150
    for address in addresses:
        assert address.town in districts, address
        assert POSTCODE.match(address.postcode), address.postcode
        assert address.postcode.split()[0] in districts[address.town], address
        number, street = address.line_1.split(" ", 1)
        assert number.isdigit()
        assert 1 <= int(number) <= 180
        assert street.split()[-1] in STREET_KINDS, address.line_1


def _requests_make_sense_for_their_process():
    requests = list(Request.objects.select_related("process"))
    assert requests
    for request in requests:
        assert request.description in DESCRIPTIONS[request.process.code], request.description
        if request.process.code not in PLACE_BASED:
            assert not request.postcode, "a benefits change has no place"


def _seeding_analyzes_the_tables_it_filled(seeded):
    analyzed = " ".join(sql for sql in seeded if sql.upper().startswith("ANALYZE"))
    assert analyzed
    if connection.vendor == "postgresql":
        for table in ("citizens_citizen", "citizens_address", "requests_tracking_request"):
            assert f'"{table}"' in analyzed, table

"""The creation check's one query (PostgreSQL: the blocking union written out as SQL, with the
candidates' addresses, emails and phones as arrays) finds and loads exactly the records the
ORM blocking query and `records_for_ids` give: every branch, inactive records left out."""

import datetime

import pytest

from citizens.matching import matcher
from citizens.matching.records import record_from_data, records_for_ids
from citizens.models import Citizen
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

DOB = datetime.date(1975, 3, 2)


@pytest.fixture
def register():
    def person(first, last, dob=DOB, **kwargs):
        return CitizenFactory(first_name=first, last_name=last, date_of_birth=dob, **kwargs)

    same_day = person("Peggy", "Trevithick")
    slipped = person("Margaret", "Trevithick", datetime.date(1975, 2, 3))
    swapped = person("Trevithick", "Margaret", datetime.date(1975, 3, 12))
    undated = person("Ann", "Trevithick", None, middle_names="Jo Beth", preferred_name="Annie")
    named = person("Margaret", "Smith-Jones", None)
    neighbour = person("Olu", "Adeyemi", datetime.date(1990, 1, 1))
    AddressFactory(citizen=neighbour, line_1="Flat 2, 12 Acacia Avenue", postcode="LS6 2AB")
    AddressFactory(
        citizen=neighbour, line_1="3 Mill Lane", postcode="M1 1AA", uprn="77", is_current=False
    )
    by_uprn = person("Kim", "Ng", datetime.date(1960, 6, 6))
    AddressFactory(citizen=by_uprn, line_1="9 Elsewhere", postcode="B1 1AA", uprn="12345")
    by_mail = person("Ruth", "Ellis", datetime.date(1961, 6, 6))
    EmailAddressFactory(citizen=by_mail, email="Ruth.Ellis@Example.com")
    EmailAddressFactory(citizen=by_mail, email="r.e+work@gmail.com")
    by_phone = person("Sam", "Cole", datetime.date(1962, 6, 6))
    PhoneNumberFactory(citizen=by_phone, number="+447700900555")
    PhoneNumberFactory(citizen=by_phone, number="+441132000000")
    merged = person("Margaret", "Trevithick", status=Citizen.Status.MERGED)
    AddressFactory(citizen=merged, line_1="12 Acacia Avenue", postcode="LS6 2AB")
    return [same_day, slipped, swapped, undated, named, neighbour, by_uprn, by_mail, by_phone]


PEOPLE = [
    {"first_name": "Margaret", "last_name": "Trevithick", "date_of_birth": DOB},
    {"first_name": "Margaret", "last_name": "Trevithick", "postcode": "ls62ab", "uprn": "12345"},
    {"first_name": "Margaret", "last_name": "Smith-Jones", "address_line_1": "12 Acacia Ave",
     "postcode": "LS6 2AB", "email": "ruth.ellis@example.com", "phone": "07700 900555"},
    {"first_name": "M", "last_name": "Trevithick", "postcode": "M1 1AA"},
    {"first_name": "", "last_name": "", "phone": "0113 200 0000", "email": "RE@gmail.com"},
    {"first_name": "Nobody", "last_name": "Atall", "date_of_birth": datetime.date(2001, 1, 1)},
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("values", PEOPLE)
def test_the_one_query_loads_what_blocking_and_loading_give(register, values):
    person = record_from_data(values)
    expected = records_for_ids(matcher.candidate_ids(person), active_only=True)
    assert matcher._blocked_records(person) == expected


@pytest.mark.django_db
def test_every_branch_finds_someone(register):
    found = set()
    for values in PEOPLE:
        found |= set(matcher._blocked_records(record_from_data(values)))
    assert found == {c.pk for c in register}

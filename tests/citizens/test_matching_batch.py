"""Matching many people at once (imports) gives each exactly what checking them one by one
gives: the same candidates, scores, bands and explanations, in a fixed number of queries."""

import datetime

import pytest

from citizens.matching import match_candidates, match_candidates_many
from citizens.matching.matcher import candidate_ids, candidate_ids_many
from citizens.matching.records import record_from_data
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

pytestmark = pytest.mark.django_db

DOB = datetime.date(1975, 3, 2)


@pytest.fixture
def register(team_leader):
    """A small register with people each blocking key finds, households and namesakes."""
    from citizens.services import not_duplicate_record

    def person(first, last, dob, line=None, postcode=None, email=None, phone=None, **extra):
        c = CitizenFactory(first_name=first, last_name=last, date_of_birth=dob, **extra)
        if postcode:
            AddressFactory(citizen=c, line_1=line, postcode=postcode)
        if email:
            EmailAddressFactory(citizen=c, email=email)
        if phone:
            PhoneNumberFactory(citizen=c, number=phone)
        return c

    people = [
        person("Margaret", "Trevithick", DOB, "12 Acacia Avenue", "LS6 2AB", "peg@example.com"),
        person("Peggy", "Trevithick", DOB),
        person("Robert", "Jones", datetime.date(1960, 7, 4), "3 Mill Lane", "BS1 4DJ"),
        person("Robert", "Jones", datetime.date(1988, 7, 4), "3 Mill Lane", "BS1 4DJ"),
        person("Ada", "Quellington", datetime.date(1980, 7, 4), phone="+447700900555"),
        person("Mary", "Zebedee", None, "7 Quay Street", "BS1 4DJ"),
        person("Kim", "Ng", None, email="kim.ng@example.com"),
        person("Sarah", "Smith-Jones", datetime.date(1991, 11, 30), "1 High Street", "LS6 2AB"),
        person("John", "Smith", None, "2 High Street", "LS6 2AB"),
        person("Olu", "Adeyemi", datetime.date(1970, 1, 1), phone="+447700900777"),
        person("Olu", "Adeyemi", datetime.date(1970, 1, 1), status="merged"),
    ]
    not_duplicate_record(
        actor=team_leader, citizen_a=people[2], citizen_b=people[3], reason="Father and son"
    )
    return people


TYPED = [
    {"first_name": "Margaret", "last_name": "Trevithick", "date_of_birth": DOB},
    {"first_name": "Magaret", "last_name": "TREVITHICK", "date_of_birth": DOB},
    {"first_name": "Bob", "last_name": "Jones", "date_of_birth": datetime.date(1960, 7, 4)},
    {
        "first_name": "Rob",
        "last_name": "Jones",
        "address_line_1": "3 Mill Lane",
        "postcode": "bs14dj",
    },  # fmt: skip
    {"first_name": "Ada", "last_name": "Quellington", "date_of_birth": datetime.date(1980, 4, 7)},
    {"first_name": "Quellington", "last_name": "Ada", "date_of_birth": datetime.date(1980, 7, 4)},
    {"first_name": "Ada", "last_name": "Quellington", "date_of_birth": datetime.date(1981, 7, 4)},
    {
        "first_name": "Mary",
        "last_name": "Zebedee",
        "address_line_1": "7 Quay St",
        "postcode": "BS1 4DJ",
    },  # fmt: skip
    {"first_name": "Mary", "last_name": "Zebedee"},
    {"first_name": "Kim", "last_name": "Ng", "email": "KIM.NG@example.com"},
    {"first_name": "Sarah", "last_name": "Smith", "date_of_birth": datetime.date(1991, 11, 30)},
    {"first_name": "John", "last_name": "Smith"},
    {"first_name": "Olu", "last_name": "Adeyemi", "phone": "+44 7700 900777"},
    {
        "first_name": "Peggy",
        "last_name": "Trevithick",
        "email": "peg@example.com",
        "address_line_1": "12 Acacia Ave",
        "postcode": "LS6 2AB",
    },  # fmt: skip
    {"first_name": "Someone", "last_name": "Else", "date_of_birth": datetime.date(1999, 9, 9)},
    {"first_name": "", "last_name": "", "postcode": "", "email": "not an email"},
]


def as_tuples(matches):
    return [
        (m.citizen_id, m.score, m.band, m.summary, m.reasons_for, m.reasons_against)
        for m in matches
    ]


@pytest.mark.parametrize("min_band", ["", "possible", "probable"])
def test_batch_and_single_matching_give_identical_candidates_and_scores(register, min_band):
    single = [as_tuples(match_candidates(person=p, min_band=min_band)) for p in TYPED]
    batch = [as_tuples(ms) for ms in match_candidates_many(people=TYPED, min_band=min_band)]
    assert batch == single
    # The fixed set exercises every blocking key: not everyone is alone.
    assert sum(1 for found in single if found) >= 10


def test_batch_blocking_finds_the_same_ids_as_one_check(register):
    records = [record_from_data(p) for p in TYPED]
    assert candidate_ids_many(records) == [candidate_ids(r) for r in records]


def test_stored_citizens_in_a_batch_keep_pairs_ruled_different_apart(register):
    father, son = register[2], register[3]
    batch = match_candidates_many(people=[father, son], min_band="")
    assert batch == [
        match_candidates(person=father, min_band=""),
        match_candidates(person=son, min_band=""),
    ]
    assert son.pk not in {m.citizen_id for m in batch[0]}


def test_a_batch_costs_a_fixed_number_of_queries(register, django_assert_max_num_queries):
    # Up to six blocking queries, one for pairs ruled different, four loads, the parameters:
    # nothing per person (80 here).
    with django_assert_max_num_queries(12):
        found = match_candidates_many(people=TYPED * 5, min_band="")
    assert len(found) == len(TYPED) * 5

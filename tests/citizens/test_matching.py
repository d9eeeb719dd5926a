"""The matcher: each comparison, each planted kind of near-duplicate, look-alike strangers,
explanations, thresholds from settings and bad input."""

import datetime

import pytest

from citizens.matching import compare, matcher
from citizens.matching.matcher import band_for, dob_variants, match_candidates
from citizens.matching.nicknames import TABLE, same_name_group
from citizens.matching.parameters import Parameters
from citizens.matching.records import email_key, line_key, phone_key, record_from_data
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

DOB = datetime.date(1975, 3, 2)


def rec(**values):
    base = {
        "first_name": "Margaret",
        "last_name": "Trevithick",
        "date_of_birth": DOB,
        "address_line_1": "12 Acacia Avenue",
        "postcode": "LS6 2AB",
    }
    return record_from_data(base | values)


def score_pair(a, b):
    """Scored with the built-in parameters: these tests need no database."""
    return matcher.score_pair(a, b, Parameters())


def level(comparison, a, b):
    return {lv.comparison: lv for lv in compare.compare(a, b)}[comparison].level


# --- comparisons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ("Margaret", "Margaret", "exact"),
        ("Margaret", "Magaret", "typo"),
        ("Jayne", "Jane", "typo"),
        ("Jon", "John", "nickname"),
        ("Peggy", "Margaret", "nickname"),
        ("Bob", "Robert", "nickname"),
        ("M", "Margaret", "initial"),
        ("P", "Margaret", "different"),
        ("Susan", "Margaret", "different"),
        ("", "Margaret", "missing"),
    ],
)
def test_first_name_levels(mine, theirs, expected):
    assert level("first_name", rec(first_name=mine), rec(first_name=theirs)) == expected


def test_first_name_matching_a_middle_or_known_as_name():
    a = rec(first_name="Anne")
    b = rec(first_name="Margaret", middle_names="Anne")
    assert level("first_name", a, b) == "other_name"
    c = rec(first_name="Margaret", preferred_name="Daisy")
    assert level("first_name", rec(first_name="Daisy"), c) == "other_name"


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ("Trevithick", "Trevithick", "exact"),
        ("Trevithick", "Trevitihck", "typo"),
        ("Smith", "Smyth", "typo"),
        ("Smith", "Smith-Jones", "part"),
        ("Jones Smith", "Smith", "part"),
        ("Jones", "Trevithick", "different"),
    ],
)
def test_last_name_levels(mine, theirs, expected):
    assert level("last_name", rec(last_name=mine), rec(last_name=theirs)) == expected


def test_swapped_first_and_last_names_are_compared_crosswise():
    a = rec(first_name="Trevithick", last_name="Margaret")
    assert level("first_name", a, rec()) == "swapped"
    assert level("last_name", a, rec()) == "exact"


@pytest.mark.parametrize(
    ("mine", "expected"),
    [
        (DOB, "exact"),
        (datetime.date(1975, 2, 3), "day_month_swapped"),
        (datetime.date(1975, 3, 8), "one_off"),
        (datetime.date(1976, 3, 2), "one_off"),
        (datetime.date(1985, 3, 2), "one_off"),  # one digit of the year
        (datetime.date(2003, 7, 19), "different"),
        (None, "missing"),
    ],
)
def test_date_of_birth_levels(mine, expected):
    assert level("date_of_birth", rec(date_of_birth=mine), rec()) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"address_line_1": "12 acacia ave", "postcode": "ls62ab"}, "same"),
        ({"address_line_1": "Flat 3, 12 Acacia Avenue"}, "postcode"),
        ({"address_line_1": "14 Acacia Avenue"}, "postcode"),
        ({"address_line_1": "1 Other Road", "postcode": "LS6 9ZZ"}, "area"),
        ({"address_line_1": "1 Other Road", "postcode": "M1 1AE"}, "different"),
        ({"address_line_1": "", "postcode": ""}, "missing"),
    ],
)
def test_address_levels(values, expected):
    assert level("address", rec(**values), rec()) == expected


def test_same_uprn_is_the_same_address_however_the_line_is_written():
    a = rec(address_line_1="The Old Mill", uprn="100023336956")
    b = rec(address_line_1="Old Mill Cottage", uprn="100023336956")
    assert level("address", a, b) == "same"


def test_email_and_phone_compare_in_canonical_form():
    a = rec(email="J.Smith+council@GMAIL.com", phone="+44 7700 900 123")
    b = rec(email="jsmith@googlemail.com", phone="07700900123")
    assert level("email", a, b) == "exact"
    assert level("phone", a, b) == "exact"
    assert level("phone", a, rec(phone="07700 900 999")) == "different"


def test_keys_for_lines_emails_and_phones():
    assert line_key("Flat 3, 12 High Street") == "3 12 high"
    assert line_key("12 high st") == "12 high"
    assert email_key("not-an-email") == ""
    assert phone_key("+44 (0)161 496 0000") == "+441614960000"
    assert phone_key("12") == ""


def test_dob_variants_hold_swaps_digit_slips_and_next_years():
    variants = dob_variants(DOB)
    assert datetime.date(1975, 2, 3) in variants
    assert datetime.date(1975, 3, 9) in variants
    assert datetime.date(1974, 3, 2) in variants
    assert DOB not in variants


def test_nickname_table_parses_and_names_each_form_once_per_line():
    for line in TABLE.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            words = line.split()
            assert len(words) == len(set(words)), line
            assert all(w.isalpha() and w.islower() for w in words), line
    assert same_name_group("bob", "robert")
    assert same_name_group("peggy", "maggie")
    assert not same_name_group("robert", "richard")


# --- planted kinds and strangers (pure scoring, default parameters) ---------------------------


def original(**values):
    return rec(email="m.trevithick@example.com", phone="07700 900123", **values)


PLANTED = {
    "typo in the surname": {"last_name": "Trevitihck"},
    "typo in the first name": {"first_name": "Margeret"},
    "swapped names": {"first_name": "Trevithick", "last_name": "Margaret"},
    "nickname": {"first_name": "Peggy"},
    "change of surname at the same address": {"last_name": "Jones"},
    "double-barrelled surname": {"last_name": "Trevithick-Jones"},
    "moved house": {"address_line_1": "3 Mill Lane", "postcode": "M1 1AE"},
    "day and month swapped": {"date_of_birth": datetime.date(1975, 2, 3)},
    "one digit of the date of birth": {"date_of_birth": datetime.date(1975, 3, 8)},
    "missing date of birth": {"date_of_birth": None},
    "phone and email in other formats": {
        "phone": "+44 7700 900 123",
        "email": "M.Trevithick@EXAMPLE.com",
        "address_line_1": "",
        "postcode": "",
    },
}


@pytest.mark.parametrize("kind", list(PLANTED))
def test_planted_near_duplicates_are_probable_or_certain(kind):
    values = PLANTED[kind]
    dup = rec(**values)
    match = score_pair(dup, original())
    assert match.band in ("probable", "certain"), (kind, match.score, match.reasons)


STRANGERS = {
    "father and son of the same name, born 28 years apart": (
        {"first_name": "Robert", "last_name": "Smith", "date_of_birth": datetime.date(1950, 4, 4)},
        {"first_name": "Robert", "last_name": "Smith", "date_of_birth": datetime.date(1978, 6, 9)},
    ),
    "twins": (
        {"first_name": "Jack", "last_name": "Trevithick"},
        {"first_name": "Harry", "last_name": "Trevithick"},
    ),
    "spouses": (
        {"first_name": "Susan", "date_of_birth": datetime.date(1971, 8, 30)},
        {"first_name": "Paul", "date_of_birth": datetime.date(1969, 1, 14)},
    ),
    "namesakes elsewhere": (
        {"first_name": "John", "last_name": "Smith", "date_of_birth": datetime.date(1980, 1, 1)},
        {
            "first_name": "John",
            "last_name": "Smith",
            "date_of_birth": datetime.date(1966, 10, 12),
            "address_line_1": "4 Park Road",
            "postcode": "M1 1AE",
        },
    ),
}


@pytest.mark.parametrize("kind", list(STRANGERS))
def test_look_alike_strangers_do_not_block(kind):
    a, b = STRANGERS[kind]
    match = score_pair(rec(**a), rec(**b))
    assert match.band not in ("probable", "certain"), (kind, match.score, match.reasons)


def test_a_rare_shared_surname_counts_for_more_than_smith():
    elsewhere = {"first_name": "", "address_line_1": "1 Quay Street", "postcode": "BS1 4DJ"}
    rare = score_pair(
        rec(first_name="", last_name="Trevithick"), rec(last_name="Trevithick", **elsewhere)
    )
    common = score_pair(rec(first_name="", last_name="Smith"), rec(last_name="Smith", **elsewhere))
    assert rare.score > common.score + 5
    assert any("common one" in r for r in common.reasons_for)


# --- explanations -----------------------------------------------------------------------------


def test_change_of_surname_is_explained():
    match = score_pair(rec(last_name="Jones"), rec())
    assert match.summary == (
        "Same date of birth and address; surname differs (Jones → Trevithick: possibly a "
        "change of name)"
    )
    assert "Same date of birth (02/03/1975)" in match.reasons_for


def test_relative_is_explained():
    a, b = STRANGERS["father and son of the same name, born 28 years apart"]
    match = score_pair(rec(**a), rec(**b))
    assert match.summary == "Same name and address but born 28 years apart: probably a relative"
    assert "Born 28 years apart (04/04/1950 / 09/06/1978)" in match.reasons_against


def test_nickname_is_explained():
    match = score_pair(rec(first_name="Bob"), rec(first_name="Robert"))
    assert "First names are forms of one name (Bob / Robert)" in match.reasons_for


# --- thresholds and bad input -----------------------------------------------------------------


def test_bands_come_from_settings(settings):
    settings.MATCH_CERTAIN_SCORE, settings.MATCH_PROBABLE_SCORE = 30.0, 20.0
    settings.MATCH_POSSIBLE_SCORE = 10.0
    assert band_for(35) == "certain"
    assert band_for(25) == "probable"
    assert band_for(15) == "possible"
    assert band_for(5) == ""
    score = score_pair(rec(last_name="Jones"), rec()).score
    settings.MATCH_PROBABLE_SCORE, settings.MATCH_POSSIBLE_SCORE = score + 1, score - 1
    assert score_pair(rec(last_name="Jones"), rec()).band == "possible"
    settings.MATCH_PROBABLE_SCORE = score - 0.5
    assert score_pair(rec(last_name="Jones"), rec()).band == "probable"


@pytest.mark.parametrize(
    "values",
    [
        {"first_name": "", "last_name": "", "date_of_birth": None, "postcode": ""},
        {"first_name": "J", "last_name": "S"},
        {"first_name": "  ", "last_name": "!!"},
        {"date_of_birth": datetime.date(2999, 1, 1)},
        {"postcode": "ls62ab", "phone": "+44 (0) 7700-900-123"},
        {"phone": "not a phone", "email": "@"},
        {"date_of_birth": "1975-03-02"},
    ],
)
@pytest.mark.django_db
def test_bad_input_never_errors_and_never_matches_on_empty_values(values):
    CitizenFactory(first_name="", last_name="", date_of_birth=None)
    match_candidates(person=rec(**values))
    empty = record_from_data({"first_name": "", "last_name": ""})
    assert match_candidates(person=empty) == []


# --- through the database ---------------------------------------------------------------------


@pytest.mark.django_db
def test_candidates_found_by_each_blocking_key():
    by_dob = CitizenFactory(first_name="Peggy", last_name="Trevithick", date_of_birth=DOB)
    by_swapped_dob = CitizenFactory(
        first_name="Ada", last_name="Quellington", date_of_birth=datetime.date(1980, 7, 4)
    )
    at_postcode = CitizenFactory(first_name="Mary", last_name="Zebedee", date_of_birth=None)
    AddressFactory(citizen=at_postcode, line_1="7 Quay Street", postcode="BS1 4DJ")
    by_phone = CitizenFactory(first_name="Olu", last_name="Adeyemi", date_of_birth=None)
    PhoneNumberFactory(citizen=by_phone, number="+447700900555")
    by_email = CitizenFactory(first_name="Kim", last_name="Ng", date_of_birth=None)
    EmailAddressFactory(citizen=by_email, email="kim.ng@example.com")

    def ids(**values):
        return {m.citizen_id for m in match_candidates(person=values, min_band="")}

    assert by_dob.pk in ids(first_name="Margaret", last_name="Trevithick", date_of_birth=DOB)
    assert by_swapped_dob.pk in ids(
        first_name="Ada", last_name="Quellington", date_of_birth=datetime.date(1980, 4, 7)
    )
    assert at_postcode.pk in ids(
        first_name="Mary", last_name="Zebedee", address_line_1="7 Quay St", postcode="bs14dj"
    )
    assert by_phone.pk in ids(first_name="Olu", last_name="Adeyemi", phone="07700 900555")
    assert by_email.pk in ids(first_name="Kim", last_name="Ng", email="KIM.NG@example.com")


@pytest.mark.django_db
def test_records_ruled_different_are_not_suggested(team_leader):
    from citizens.services import not_duplicate_record

    a = CitizenFactory(first_name="Sarah", last_name="Quellington", date_of_birth=DOB)
    b = CitizenFactory(first_name="Sara", last_name="Quellington", date_of_birth=DOB)
    assert [m.citizen_id for m in match_candidates(person=a)] == [b.pk]
    not_duplicate_record(actor=team_leader, citizen_a=b, citizen_b=a, reason="Twins")
    assert match_candidates(person=a) == []


@pytest.mark.django_db
def test_estimated_parameters_learn_frequencies_from_the_register():
    from citizens.matching.parameters import parameters_estimate

    for i in range(120):
        CitizenFactory(last_name="Smith" if i % 2 else f"Rare{i}", date_of_birth=DOB)
    params = parameters_estimate(sample_size=100, random_pairs=2000)
    assert params.register_size == 120
    assert params.tf["last_name"]["smith"] == pytest.approx(0.5)
    assert params.u["date_of_birth"]["exact"] == pytest.approx(1.0)

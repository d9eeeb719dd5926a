"""The import checks a batch's rows with one form, reset between rows: the same errors in the
same words, and the same cleaned values, as a new create-form per row."""

import pytest

from integration.imports import ImportRowForm, _form, _row_data
from tests.factories import CitizenFactory, EmailAddressFactory

pytestmark = pytest.mark.django_db

GOOD = {"first_name": "Mary", "last_name": "Jones", "date_of_birth": "01/05/1970"}
ROWS = [
    GOOD,
    {**GOOD, "email": "mary@example.com", "postcode": "sw1a1aa", "address_line_1": "1 High St"},
    {"last_name": ""},  # required
    {**GOOD, "date_of_birth": "31/02/1990"},  # no such date
    {**GOOD, "date_of_birth": "01/01/1850"},  # before 1900
    {**GOOD, "date_of_birth": "01/01/2999"},  # in the future
    {**GOOD, "postcode": "NOT A POSTCODE", "address_line_1": "2 Low Road"},
    {**GOOD, "address_line_1": "2 Low Road"},  # address without a postcode
    {**GOOD, "postcode": "E1 6AN"},  # postcode without an address
    {**GOOD, "email": "not an email"},
    {**GOOD, "email": "Taken@Example.com"},  # held by someone on the register
    {**GOOD, "phone": "12"},
    {**GOOD, "phone": "020 7946 0018"},
    {**GOOD, "uprn": "12a"},
    {**GOOD, "uprn": "100023336956"},
    {**GOOD, "first_name": "x" * 101, "title": "y" * 21},
    {"last_name": "Only", "town": "Leeds", "middle_names": "Ann Marie"},
    GOOD,  # a good row again after bad ones: nothing left over
]


def test_one_form_reset_per_row_gives_what_a_new_form_gives():
    holder = CitizenFactory(first_name="Tara", last_name="Ken")
    EmailAddressFactory(citizen=holder, email="taken@example.com")
    taken = {"taken@example.com": holder}
    shared = ImportRowForm(taken=taken)
    seen_errors = set()
    for values in ROWS + ROWS[::-1]:
        fresh = _form(values, taken)
        fresh_valid = fresh.is_valid()
        valid = shared.check(_row_data(values))
        assert valid == fresh_valid, values
        assert {k: list(v) for k, v in shared.errors.items()} == {
            k: list(v) for k, v in fresh.errors.items()
        }, values
        assert shared.cleaned_data == fresh.cleaned_data, values
        seen_errors.update(fresh.errors)
    # The spread covers good rows and errors on most fields.
    assert seen_errors >= {
        "last_name", "date_of_birth", "postcode", "address_line_1", "email", "phone", "uprn",
        "first_name", "title",
    }  # fmt: skip

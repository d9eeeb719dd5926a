"""A resident's details are linked to a citizen by the one person matcher's "certain" band."""

import pytest

from forms_engine.matching import citizen_for_applicant
from tests.factories import CitizenFactory, EmailAddressFactory, PhoneNumberFactory


@pytest.mark.django_db
def test_name_and_email_of_one_citizen_link_to_them():
    pat = CitizenFactory(first_name="Patricia", last_name="Trevithick")
    EmailAddressFactory(citizen=pat, email="pat.trevithick@example.com")
    found = citizen_for_applicant(
        first_name="Patricia", last_name="Trevithick", email="Pat.Trevithick@Example.com"
    )
    assert found == pat


@pytest.mark.django_db
def test_a_nickname_with_the_same_mobile_is_still_certain():
    # The matcher knows Bob is Robert; the old exact-name seam did not.
    robert = CitizenFactory(first_name="Robert", last_name="Pengelly")
    PhoneNumberFactory(citizen=robert, number="+447700900123", kind="mobile")
    found = citizen_for_applicant(first_name="Bob", last_name="Pengelly", mobile="07700 900123")
    assert found == robert


@pytest.mark.django_db
def test_same_email_but_another_name_is_not_linked():
    someone = CitizenFactory(first_name="Sam", last_name="Other")
    EmailAddressFactory(citizen=someone, email="shared@example.com")
    assert (
        citizen_for_applicant(first_name="Pat", last_name="Resident", email="shared@example.com")
        is None
    )


@pytest.mark.django_db
def test_two_citizens_certain_for_the_same_details_are_left_to_staff():
    for _ in range(2):
        twin = CitizenFactory(first_name="Pat", last_name="Resident")
        PhoneNumberFactory(citizen=twin, number="+447700900982", kind="mobile")
    assert (
        citizen_for_applicant(first_name="Pat", last_name="Resident", mobile="07700900982") is None
    )


@pytest.mark.django_db
def test_a_name_alone_never_links():
    CitizenFactory(first_name="Pat", last_name="Resident")
    assert citizen_for_applicant(first_name="Pat", last_name="Resident") is None


@pytest.mark.django_db
def test_a_withdrawn_citizen_is_never_linked():
    gone = CitizenFactory(first_name="Pat", last_name="Resident", status="withdrawn")
    EmailAddressFactory(citizen=gone, email="pat@example.com")
    assert (
        citizen_for_applicant(first_name="Pat", last_name="Resident", email="pat@example.com")
        is None
    )

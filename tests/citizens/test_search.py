import datetime

import pytest

from citizens.search import citizen_search, parse_query, register_reference_resolver
from tests.factories import ServiceAccountFactory
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    john = CitizenFactory(
        first_name="John", last_name="Smith", date_of_birth=datetime.date(1980, 5, 17)
    )
    AddressFactory(citizen=john, postcode="SW1A 1AA")
    EmailAddressFactory(citizen=john, email="John.Smith@Example.com")
    PhoneNumberFactory(citizen=john, number="+447700900123")
    others = [
        CitizenFactory(
            first_name="Jane", last_name="Smith", date_of_birth=datetime.date(1990, 1, 1)
        ),
        CitizenFactory(first_name="John", last_name="Smithers", date_of_birth=None),
        CitizenFactory(first_name="Joanna", last_name="Smart", date_of_birth=None),
        CitizenFactory(first_name="Peter", last_name="Jones", date_of_birth=None),
    ]
    return john, others


def names(results):
    return [(c.first_name, c.last_name) for c in results]


@pytest.mark.parametrize(
    "query",
    ["Jon Smyth", "John Smtih", "Jhon Smith", "Smith John", "smith, john", "Jo Smi", "JOHN SMITH"],
)
def test_search_finds_misspelt_partial_and_reordered_names(people, query):
    john, _ = people
    results = citizen_search(query=query)
    assert results
    assert results[0].pk == john.pk


def test_ranking_puts_the_exact_person_first(people):
    john, _ = people
    results = citizen_search(query="John Smith")
    assert results[0].pk == john.pk
    assert ("John", "Smithers") in names(results)  # a partial match is still listed, lower


def test_search_does_not_find_unrelated_people(people):
    assert ("Peter", "Jones") not in names(citizen_search(query="John Smith"))


@pytest.mark.parametrize(
    "query",
    [
        "SW1A 1AA",
        "sw1a1aa",
        "john.smith@example.com",
        "JOHN.SMITH@EXAMPLE.COM",
        "07700 900123",
        "+44 7700 900123",
        "(07700) 900-123",
        "17/05/1980",
        "1980-05-17",
        "smith 17/05/1980",
        "smith SW1A 1AA",
    ],
)
def test_search_finds_every_identifier_format(people, query):
    john, _ = people
    results = citizen_search(query=query)
    assert results[0].pk == john.pk


def test_search_by_citizen_and_service_account_reference(people):
    john, _ = people
    ServiceAccountFactory(citizen=john, reference="CT12345678")
    assert citizen_search(query=john.reference.lower())[0].pk == john.pk
    assert citizen_search(query="ct 1234 5678")[0].pk == john.pk


def test_registered_reference_resolver_finds_citizen(people):
    john, _ = people

    def resolver(text):
        return [john.pk] if text == "REQ2026000123" else []

    register_reference_resolver(resolver)
    try:
        assert citizen_search(query="REQ-2026-000123")[0].pk == john.pk
    finally:
        from citizens import search

        search._reference_resolvers.remove((resolver, "Linked reference"))


def test_merged_records_are_not_listed(people):
    john, others = people
    others[0].status = "merged"
    others[0].merged_into = john
    others[0].save()
    assert ("Jane", "Smith") not in names(citizen_search(query="Smith"))


def test_parse_query_splits_identifiers_from_names():
    parsed = parse_query("Jon Smyth 17/05/1980 SW1A 1AA")
    assert parsed.names == ["jon", "smyth"]
    assert parsed.dob == datetime.date(1980, 5, 17)
    assert parsed.postcode == "SW1A1AA"


def test_nonsense_and_empty_queries_do_not_crash(people):
    assert citizen_search(query="") == []
    assert citizen_search(query="%%% ''; drop") == []
    assert citizen_search(query="99/99/9999") == []


def test_search_page_shows_results_and_is_audited(agent_client, people):
    from audit.models import AuditEvent

    response = agent_client.get("/citizens/", {"q": "Jon Smyth"})
    assert response.status_code == 200
    assert b"John" in response.content
    assert b"SW1A 1AA" in response.content
    assert AuditEvent.objects.filter(action="search").exists()


def test_search_partial_for_htmx(agent_client, people):
    response = agent_client.get("/citizens/", {"q": "smith"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert "HX-Request" in response["Vary"]


def test_advanced_search_filters_and_reports_bad_dates(agent_client, people):
    ok = agent_client.get("/citizens/advanced/", {"last_name": "smi", "postcode": "SW1A"})
    assert ok.status_code == 200
    assert b"John" in ok.content
    assert b"Jane" not in ok.content
    bad = agent_client.get("/citizens/advanced/", {"date_of_birth": "31/02/1980"})
    assert bad.status_code == 200
    assert b"There is a problem" in bad.content

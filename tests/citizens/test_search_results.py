"""Quick-search results carry everything a results row shows, loaded the same way everywhere."""

import datetime

import pytest
from django.utils import timezone

from citizens.models import AssistanceFlag
from citizens.search import citizen_search, results_queryset
from tests.factories.citizens import (
    AddressFactory,
    CitizenFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
)

pytestmark = pytest.mark.django_db


def shown(c):
    """What the results row and the API read from a citizen."""
    return {
        "citizen": (c.pk, c.reference, c.first_name, c.last_name, c.date_of_birth, c.version),
        "current": [(a.pk, a.line_1, a.postcode, a.valid_from) for a in c.current],
        "emails": [(e.pk, e.email, e.is_primary, e.confirmed_at) for e in c.emails.all()],
        "phones": [(p.pk, str(p), p.kind, p.confirmed_at) for p in c.phones.all()],
        "flags": [(f.pk, f.kind, f.review_date) for f in c.active_flags],
    }


@pytest.fixture
def alice():
    alice = CitizenFactory(
        first_name="Alice", last_name="Ardent", date_of_birth=datetime.date(1971, 3, 9)
    )
    AddressFactory(
        citizen=alice, postcode="LS1 4AP", is_current=False, valid_to=datetime.date(2020, 1, 1)
    )
    AddressFactory(citizen=alice, postcode="LS2 7EW", valid_from=datetime.date(2020, 1, 2))
    EmailAddressFactory(citizen=alice, email="alice@example.com", confirmed_at=timezone.now())
    EmailAddressFactory(citizen=alice, email="a.ardent@example.org", is_primary=False)
    PhoneNumberFactory(citizen=alice, number="+447700900456")
    AssistanceFlag.objects.create(
        citizen=alice, kind="interpreter", review_date=datetime.date(2030, 1, 1)
    )
    AssistanceFlag.objects.create(citizen=alice, kind="hearing", active=False)
    return alice


def test_results_show_what_the_full_queryset_shows(alice):
    found = citizen_search(query="Alice Ardent")[0]
    assert shown(found) == shown(results_queryset([alice.pk]).get())
    assert [a.postcode for a in found.current] == ["LS2 7EW"]
    assert [f.kind for f in found.active_flags] == ["interpreter"]
    assert [e.email for e in found.emails.all()] == ["alice@example.com", "a.ardent@example.org"]


def test_result_rows_need_no_further_queries(alice, django_assert_num_queries):
    found = citizen_search(query="07700 900456")[0]
    with django_assert_num_queries(0):
        shown(found)
        assert found.emails.all()[0].citizen == found


def test_people_without_contact_details_are_listed(alice):
    bob = CitizenFactory(first_name="Bob", last_name="Ardent")
    results = citizen_search(query="Ardent")
    assert {c.pk for c in results} == {alice.pk, bob.pk}
    bob_found = next(c for c in results if c.pk == bob.pk)
    assert shown(bob_found) == shown(results_queryset([bob.pk]).get())


def test_start_a_contact_is_offered_only_to_staff_who_may_start_one(client, agent, alice):
    from django.contrib.auth.models import Permission

    from tests.factories.accounts import StaffFactory

    link = f'href="/contacts/start/?citizen={alice.pk}"'
    client.force_login(agent)
    assert link in client.get("/citizens/", {"q": "Alice Ardent"}).text
    viewer = StaffFactory(username="viewer-only")
    viewer.user_permissions.add(Permission.objects.get(codename="view_citizen"))
    client.force_login(viewer)
    page = client.get("/citizens/", {"q": "Alice Ardent"}).text
    assert "Alice Ardent" in page
    assert link not in page

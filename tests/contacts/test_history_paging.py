"""The history lists page without counting every contact."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from contacts import selectors
from contacts.models import Contact
from contacts.selectors import ContactPaginator, contact_list
from tests.contacts.conftest import new_citizen
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def add_contacts(ref, count, *, citizen=None, channel=None):
    agent = StaffFactory()
    start = timezone.now() - timedelta(days=3)
    Contact.objects.bulk_create(
        Contact(
            citizen=citizen,
            agent=agent,
            channel=channel or ref.phone,
            location=ref.contact_centre,
            status=Contact.Status.ENDED,
            started_at=start + timedelta(minutes=i),
            ended_at=start + timedelta(minutes=i + 1),
            service_area=ref.waste,
            contact_type=ref.missed_bin,
            outcome=ref.resolved,
        )
        for i in range(count)
    )


def test_small_lists_are_counted_exactly_with_page_n_of_m(agent_client, ref):
    add_contacts(ref, 30)
    response = agent_client.get(reverse("contacts:history"))
    page = response.context["page"]
    assert page.paginator.count == 30
    assert len(page.object_list) == 25
    body = response.content.decode()
    assert "30 contacts" in body
    assert "Page 1 of 2" in body
    assert 'rel="next"' in body
    second = agent_client.get(reverse("contacts:history"), {"page": 2})
    assert len(second.context["page"].object_list) == 5
    assert not second.context["page"].has_next()
    assert 'rel="prev"' in second.content.decode()


def test_one_contact_is_singular(agent_client, ref):
    add_contacts(ref, 1)
    assert "1 contact<" in agent_client.get(reverse("contacts:history")).content.decode()


def test_counting_stops_at_the_cap(agent_client, ref, monkeypatch):
    monkeypatch.setattr(selectors, "HISTORY_COUNT_CAP", 10)
    add_contacts(ref, 12, citizen=new_citizen())
    add_contacts(ref, 40, channel=ref.face_to_face)
    response = agent_client.get(reverse("contacts:history"), {"channel": ref.phone.pk})
    page = response.context["page"]
    assert page.paginator.count is None
    assert page.paginator.num_pages is None
    body = response.content.decode()
    assert "More than 10 contacts" in body
    assert len(page.object_list) == 12  # all twelve phone contacts, on the one page


def test_broad_list_pages_on_with_next_until_the_end(agent_client, ref, monkeypatch):
    monkeypatch.setattr(selectors, "HISTORY_COUNT_CAP", 10)
    add_contacts(ref, 60)
    url = reverse("contacts:history")
    second = agent_client.get(url, {"channel": ref.phone.pk, "page": 2})
    assert second.context["page"].has_next()
    body = second.content.decode()
    assert "Page 2<" in body
    assert "Page 2 of" not in body
    third = agent_client.get(url, {"channel": ref.phone.pk, "page": 3})
    assert len(third.context["page"].object_list) == 10
    assert not third.context["page"].has_next()


def test_a_page_past_the_end_of_an_uncounted_list_says_so(agent_client, ref, monkeypatch):
    monkeypatch.setattr(selectors, "HISTORY_COUNT_CAP", 10)
    add_contacts(ref, 12)
    response = agent_client.get(reverse("contacts:history"), {"channel": ref.phone.pk, "page": 9})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There are no contacts on this page" in body
    assert "page=1" in body


@pytest.mark.parametrize("page", ["0", "-3", "abc", ""])
def test_nonsense_page_numbers_give_the_first_page(agent_client, ref, page):
    add_contacts(ref, 3)
    response = agent_client.get(reverse("contacts:history"), {"page": page})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_a_page_past_the_end_of_a_counted_list_gives_the_last_page(agent_client, ref):
    add_contacts(ref, 30)
    response = agent_client.get(reverse("contacts:history"), {"page": 99})
    assert response.context["page"].number == 2


def test_unfiltered_list_uses_the_table_estimate_on_postgresql(ref, monkeypatch):
    monkeypatch.setattr(selectors, "HISTORY_COUNT_CAP", 10)
    add_contacts(ref, 30)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE contacts_contact")
    _filterset, queryset = contact_list(filters={})
    paginator = ContactPaginator(queryset, 25)
    if connection.vendor == "postgresql":
        assert paginator.summary == "About 30 contacts"
    else:
        assert paginator.summary == "More than 10 contacts"
    assert paginator.count is None


def test_filtered_list_never_uses_the_estimate(ref, monkeypatch):
    add_contacts(ref, 30)
    _filterset, queryset = contact_list(filters={"channel": ref.phone.pk})
    monkeypatch.setattr(selectors, "_estimated_rows", lambda model: pytest.fail("estimated"))
    assert ContactPaginator(queryset, 25).summary == "30 contacts"


@pytest.mark.parametrize(
    ("number", "rounded"), [(7, 7), (99, 99), (1234, 1200), (999_987, 1_000_000), (0, 0)]
)
def test_estimates_are_rounded_to_two_figures(number, rounded):
    assert selectors._round_figures(number) == rounded

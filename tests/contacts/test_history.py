from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from contacts.models import Contact
from tests.contacts.conftest import new_citizen
from tests.factories import StaffFactory
from tests.factories.contacts import ContactFactory

pytestmark = pytest.mark.django_db


def at(day, hour=10):
    return timezone.make_aware(datetime(2026, 3, day, hour, 0))


@pytest.fixture
def history(ref):
    """Four ended contacts with different channels, areas, outcomes, staff and dates."""
    citizen = new_citizen()
    alice, bob = StaffFactory(first_name="Alice"), StaffFactory(first_name="Bob")
    return {
        "citizen": citizen,
        "alice": alice,
        "bob": bob,
        "phone_bin": ContactFactory(
            ended=True,
            citizen=citizen,
            agent=alice,
            channel=ref.phone,
            location=ref.contact_centre,
            contact_type=ref.missed_bin,
            outcome=ref.resolved,
            started_at=at(2),
        ),
        "visit_tax": ContactFactory(
            ended=True,
            citizen=citizen,
            agent=bob,
            channel=ref.face_to_face,
            location=ref.reception,
            contact_type=ref.balance,
            outcome=ref.signposted,
            started_at=at(10),
        ),
        "other_citizen": ContactFactory(
            ended=True,
            citizen=new_citizen(),
            agent=alice,
            channel=ref.phone,
            location=ref.contact_centre,
            contact_type=ref.missed_bin,
            outcome=ref.resolved,
            started_at=at(20),
        ),
        "anonymous": ContactFactory(
            ended=True,
            agent=bob,
            channel=ref.phone,
            location=ref.contact_centre,
            contact_type=ref.missed_bin,
            outcome=ref.resolved,
            started_at=at(25),
        ),
    }


def shown(response):
    return {c.pk for c in response.context["page"]}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["phone_bin", "visit_tax", "other_citizen", "anonymous"]),
        ({"channel": "face_to_face"}, ["visit_tax"]),
        ({"service_area": "council_tax"}, ["visit_tax"]),
        ({"contact_type": "missed_bin"}, ["phone_bin", "other_citizen", "anonymous"]),
        ({"outcome": "signposted"}, ["visit_tax"]),
        ({"agent": "alice"}, ["phone_bin", "other_citizen"]),
        ({"location": "reception"}, ["visit_tax"]),
        ({"date_from": "10/03/2026", "date_to": "20/03/2026"}, ["visit_tax", "other_citizen"]),
        ({"date_from": "2026-03-25"}, ["anonymous"]),
        ({"anonymous": "true"}, ["anonymous"]),
    ],
)
def test_staff_wide_history_filters(agent_client, ref, history, params, expected):
    ids = {
        "face_to_face": ref.face_to_face.pk,
        "council_tax": ref.council_tax.pk,
        "missed_bin": ref.missed_bin.pk,
        "signposted": ref.signposted.pk,
        "alice": history["alice"].pk,
        "reception": ref.reception.pk,
    }
    query = {k: ids.get(v, v) for k, v in params.items()}
    response = agent_client.get(reverse("contacts:history"), query)
    assert response.status_code == 200
    assert shown(response) == {history[name].pk for name in expected}


def test_citizen_history_shows_only_their_contacts_newest_first(agent_client, history):
    response = agent_client.get(reverse("contacts:citizen_history", args=[history["citizen"].pk]))
    assert [c.pk for c in response.context["page"]] == [
        history["visit_tax"].pk,
        history["phone_bin"].pk,
    ]


def test_history_filters_with_bad_dates_say_so(agent_client, history):
    response = agent_client.get(
        reverse("contacts:history"), {"date_from": "31/02/2026", "channel": "abc"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a real date, like 27/03/2026." in body
    assert shown(response) == set()


def test_history_filters_refuse_a_backwards_range(agent_client, history):
    response = agent_client.get(
        reverse("contacts:history"), {"date_from": "20/03/2026", "date_to": "01/03/2026"}
    )
    assert "The ‘to’ date must be the same as or after ‘from’." in response.content.decode()


def test_history_htmx_request_gets_only_the_results(agent_client, history):
    response = agent_client.get(
        reverse("contacts:history"),
        {"channel": history["phone_bin"].channel_id},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'data-testid="contact-history"' in body
    assert "HX-Request" in response["Vary"]


def test_contact_detail_shows_outcome_partners_and_audits_the_view(agent_client, ref, history):
    from audit.models import AuditEvent

    contact = history["visit_tax"]
    contact.partners.add(ref.citizens_advice)
    body = agent_client.get(contact.get_absolute_url()).content.decode()
    assert "Signposted" in body
    assert "Citizens Advice" in body
    assert "Balance enquiry" in body
    assert AuditEvent.objects.filter(
        action="view", object_type="contacts.contact", object_id=str(contact.pk)
    ).exists()


def test_contact_detail_of_unknown_contact_is_404(agent_client):
    assert agent_client.get(reverse("contacts:detail", args=[999999])).status_code == 404


def test_contact_detail_shows_items_linked_through_extensions(agent_client, history):
    from contacts import extensions

    def linked(*, contact):
        return ["Bulky waste request REQ-2026-000001"]

    extensions.register_linked_items("Requests", linked)
    try:
        body = agent_client.get(history["phone_bin"].get_absolute_url()).content.decode()
    finally:
        extensions._LINKED_ITEMS.remove(("Requests", linked))
    assert "Bulky waste request REQ-2026-000001" in body


def test_history_first_page_query_count_does_not_grow_with_data(
    agent_client, ref, django_assert_max_num_queries
):
    citizen = new_citizen()
    agent = StaffFactory()
    url = reverse("contacts:citizen_history", args=[citizen.pk])

    def add(count):
        start = timezone.now() - timedelta(days=400)
        Contact.objects.bulk_create(
            Contact(
                citizen=citizen,
                agent=agent,
                channel=ref.phone,
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

    add(5)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert agent_client.get(url).status_code == 200
    add(4995)
    assert Contact.objects.filter(citizen=citizen).count() == 5000
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = agent_client.get(url)
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 5000


def test_date_to_includes_the_whole_day_when_the_clocks_go_back(agent_client, ref):
    # 25 October 2026 is 25 hours long in the UK: 23:30 that evening is still "that day".
    late = ContactFactory(
        ended=True,
        channel=ref.phone,
        location=ref.contact_centre,
        started_at=timezone.make_aware(datetime(2026, 10, 25, 23, 30)),
    )
    response = agent_client.get(
        reverse("contacts:history"), {"date_from": "25/10/2026", "date_to": "25/10/2026"}
    )
    assert shown(response) == {late.pk}

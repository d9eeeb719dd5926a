"""The contact page lists the requests raised during the contact with their processes read in
the same query (#19): its queries do not grow with the requests raised."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests_tracking.services import request_create
from tests.factories import ContactFactory, ProcessFactory
from tests.factories.citizens import CitizenFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.text


def test_contact_page_queries_do_not_grow_with_the_requests_raised(agent_client, agent):
    citizen = CitizenFactory()
    contact = ContactFactory(agent=agent, citizen=citizen)
    process = ProcessFactory(name="Bulky waste")

    def raise_one(n):
        return request_create(
            actor=agent,
            process=process,
            citizen=citizen,
            description=f"Item {n}",
            originating_contact=contact,
        )

    first = raise_one(0)
    url = contact.get_absolute_url()
    _queries(agent_client, url)
    one, page = _queries(agent_client, url)
    assert f"{first.reference} Bulky waste" in page
    raised = [raise_one(n) for n in range(1, 4)]
    four, page = _queries(agent_client, url)
    assert all(f"{r.reference} Bulky waste" in page for r in raised)
    assert four == one


def test_contact_page_queries_do_not_grow_with_the_articles_opened(agent_client, agent):
    from faq.services import article_open_record
    from tests.factories.faq import ArticleFactory

    contact = ContactFactory(agent=agent, citizen=CitizenFactory())
    url = contact.get_absolute_url()
    article_open_record(actor=agent, article=ArticleFactory(title="Bin days"), contact=contact)
    _queries(agent_client, url)
    one, page = _queries(agent_client, url)
    assert "Opened: Bin days" in page
    for _ in range(3):
        article_open_record(actor=agent, article=ArticleFactory(), contact=contact)
    four, page = _queries(agent_client, url)
    assert four == one

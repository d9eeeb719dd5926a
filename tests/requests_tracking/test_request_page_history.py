"""The request page shows the newest part of a request's history, and all of it on request (#19):
its work must not grow with the notes, stage visits and notifications a request gathers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Message
from requests_tracking import selectors, services
from requests_tracking.models import Request

pytestmark = pytest.mark.django_db


@pytest.fixture
def shown(monkeypatch):
    monkeypatch.setattr(selectors, "HISTORY_SHOWN", 3)
    return 3


def _long_history(officer, service_request, times):
    """`times` notes and `2 * times` more stage visits (forward and back again)."""
    for i in range(times):
        services.request_note_add(
            actor=officer, service_request=service_request, text=f"Visit number {i:02d}"
        )
        service_request = services.request_advance(actor=officer, service_request=service_request)
        service_request = services.request_move_back(
            actor=officer, service_request=service_request
        )
    return Request.objects.get(pk=service_request.pk)


def _message(service_request, n):
    return Message.objects.create(
        channel=Message.Channel.EMAIL,
        recipient="jane@example.com",
        subject=f"Update number {n:02d}",
        body="…",
        idempotency_key=f"history-{service_request.pk}-{n}",
        object_type="requests_tracking.request",
        object_id=str(service_request.pk),
    )


def _section(html, start, end):
    """The page from the `start` marker to the `end` one."""
    return html[html.index(start) : html.index(end)]


def _notes(html):
    return _section(html, 'id="notes"', 'id="evidence"')


def _history_rows(html):
    return _section(html, 'id="history"', 'id="notes"').count('<tr class="govuk-table__row">')


def test_request_page_shows_the_newest_history_and_links_to_all_of_it(
    officer_client, officer, raise_request, shown
):
    service_request = _long_history(officer, raise_request(), times=5)
    for n in range(5):
        _message(service_request, n)
    url = service_request.get_absolute_url()

    page = officer_client.get(url).text

    notes = _notes(page)
    assert [f"Visit number {i:02d}" in notes for i in range(5)] == [False] * 2 + [True] * 3
    assert "The newest 3 of 5 notes." in page
    assert "The latest 3 of 11 stage visits." in page
    assert "The newest 3 of 5 notifications." in page
    assert page.count('href="?history=all#') == 3
    assert _history_rows(page) == 3 + 1  # and the header row

    everything = officer_client.get(url, {"history": "all"}).text
    notes = _notes(everything)
    assert all(f"Visit number {i:02d}" in notes for i in range(5))
    assert all(f"Update number {n:02d}" in everything for n in range(5))
    assert _history_rows(everything) == 11 + 1
    assert "?history=all" not in everything


def test_short_history_is_shown_whole_without_a_link(officer_client, officer, raise_request):
    service_request = raise_request()
    services.request_note_add(actor=officer, service_request=service_request, text="Only one")
    page = officer_client.get(service_request.get_absolute_url()).text
    assert "Only one" in page
    assert "?history=all" not in page


def test_stage_plan_keeps_each_stages_last_visit_when_the_history_is_cut(
    officer, raise_request, shown
):
    """The plan's dates and SLA outcomes come from each stage's last visit, however old."""
    service_request = raise_request()
    service_request = services.request_advance(actor=officer, service_request=service_request)
    service_request = _long_history(officer, service_request, times=4)  # stages 2 and 3 only
    everything = selectors.request_history(service_request=service_request, limit=None)
    cut = selectors.request_history(service_request=service_request, limit=shown)

    assert (len(everything.visits), everything.visits.total) == (10, 10)
    assert (len(cut.visits), cut.visits.total, cut.visits.partial) == (3, 10, True)
    assert [v.pk for v in cut.visits] == [v.pk for v in everything.visits][-3:]
    assert cut.last_by_stage == everything.last_by_stage
    first_stage = service_request.process.stages.order_by("order").first()
    assert cut.last_by_stage[first_stage.pk] not in cut.visits.rows  # older than the cut
    assert selectors.request_stage_plan(
        service_request=service_request, last_by_stage=cut.last_by_stage
    ) == selectors.request_stage_plan(
        service_request=service_request, last_by_stage=everything.last_by_stage
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_request_page_work_does_not_grow_with_its_history(officer_client, officer, raise_request):
    """A history longer than the page shows costs one query more (the last visit of a stage
    seen before the newest ones, for the stage plan), and no more however long it gets."""
    service_request = raise_request()
    url = service_request.get_absolute_url()
    _queries(officer_client, url)  # warm the kept lists
    short = _queries(officer_client, url)
    shown = selectors.HISTORY_SHOWN
    counts = []
    for _ in range(2):
        service_request = _long_history(officer, service_request, times=shown + 5)
        counts.append(_queries(officer_client, url))
    assert counts[0] == counts[1] <= short + 1
    for n in range(2 * shown + 10):
        _message(service_request, n)
    assert _queries(officer_client, url) == counts[0]
    page = officer_client.get(url).text
    assert f"The newest {shown} of {2 * shown + 10} notes." in page
    assert page.count("Visit number") == shown
    assert page.count("Update number") == shown


def test_request_page_lists_files_and_followers_only_when_there_are_some(
    officer_client, raise_request
):
    """The page asks whether there are any (in the request's own query) before reading them."""
    from requests_tracking.models import Evidence, RequestFollowerEmail

    service_request = raise_request()
    url = service_request.get_absolute_url()
    page = officer_client.get(url).text
    assert "No files yet." in page
    assert "Following by email" not in page
    Evidence.objects.create(
        request=service_request,
        file="evidence/x.pdf",
        stored_name="x.pdf",
        original_name="site-visit.pdf",
        content_type="application/pdf",
        size=10,
    )
    RequestFollowerEmail.objects.create(request=service_request, email="neighbour@example.com")
    RequestFollowerEmail.objects.create(
        request=service_request,
        email="gone@example.com",
        status=RequestFollowerEmail.Status.STOPPED,
    )
    page = officer_client.get(url).text
    assert "site-visit.pdf" in page
    assert "Following by email: neighbour@example.com (waiting for confirmation)" in page
    assert "gone@example.com" not in page


def test_request_page_shows_process_stage_and_area_renamed_since_the_last_page(
    officer_client, raise_request
):
    """The request's process, stage, area and channel come from rows kept per process."""
    service_request = raise_request()
    url = service_request.get_absolute_url()
    officer_client.get(url)
    process, stage = service_request.process, service_request.current_stage
    area = process.service_area
    process.name, stage.name, area.name = "Renamed process", "Renamed stage", "Renamed area"
    process.save()
    stage.save()
    area.save()
    page = officer_client.get(url).text
    assert '<span class="govuk-caption-l">Renamed area</span>' in page
    assert f"{service_request.reference} Renamed process" in page
    assert 'data-testid="current-stage">Renamed stage</dd>' in page


def test_request_pages_work_with_the_cache_stopped(client, officer, agent, raise_request, citizen):
    """Nothing kept without the cache: the request page, the list and the raise-request form
    read everything from the database."""
    from django.test import override_settings

    from tests.caches import UNREACHABLE

    service_request = raise_request()
    with override_settings(CACHES=UNREACHABLE):
        client.force_login(officer)
        page = client.get(service_request.get_absolute_url())
        assert page.status_code == 200
        assert "Move to next stage" in page.text
        assert service_request.process.name in page.text
        listed = client.get("/requests/", {"status": "live", "mine": "true", "sort": "urgent"})
        assert service_request.reference in listed.text
        client.force_login(agent)
        form = client.get("/requests/new/", {"citizen": citizen.pk})
        assert service_request.process.name in form.text

"""The overall target is fixed when a request is raised; a breach, once it happened, stays."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from requests_tracking import services
from requests_tracking.models import Request
from requests_tracking.public_links import tracking_path
from timeline.models import Entry

from .conftest import at

pytestmark = pytest.mark.django_db
BREACHED, ON_TRACK = Request.SlaState.BREACHED, Request.SlaState.ON_TRACK


def _fresh(request):
    return Request.objects.select_related("current_visit").get(pk=request.pk)


def test_overall_due_date_is_set_when_raised_from_every_stage(raise_request):
    request = raise_request()  # Monday 2 March 09:00; stages of 2, 3 and 1 working days
    assert request.current_visit.due_at == at(2026, 3, 3, 17)
    assert request.due_at == at(2026, 3, 9, 17)


def test_advancing_after_the_overall_target_passed_keeps_it_breached(raise_request, officer):
    request = raise_request()
    # Everything is late: the request is still in its second stage after the overall target.
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 5, 10))
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 20, 10))
    request = _fresh(request)
    assert request.due_at == at(2026, 3, 9, 17), "the overall target never moves on its own"
    assert request.sla_state == BREACHED
    assert request.overall_breached_at == at(2026, 3, 9, 17)
    assert request.breached_at == at(2026, 3, 3, 17)  # the first stage was late already
    # The new stage has its own due date: one working day (8 working hours) from now.
    assert request.current_visit.due_at == at(2026, 3, 23, 10)


def test_a_late_stage_stays_recorded_after_moving_on_in_time_overall(
    raise_request, officer, officer_client
):
    request = raise_request()
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 4, 10))
    request = _fresh(request)
    assert request.sla_state == ON_TRACK  # the overall target (9 March) is still ahead
    assert request.breached_at == at(2026, 3, 3, 17)
    page = officer_client.get(reverse("requests_tracking:detail", args=[request.pk])).text
    assert "Missed a target" in page
    assert "First missed a target on 3 March 2026, 17:00" in page
    listed = officer_client.get(reverse("requests_tracking:list") + "?status=live").text
    assert "Missed a target" in listed


def test_the_sweep_records_the_overall_target_being_missed(raise_request, officer):
    request = raise_request()
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 3, 10))
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 6, 10))
    request = _fresh(request)
    # Last stage due Monday 9 March 10:00; the overall target is 9 March 17:00.
    assert request.next_check_at <= request.due_at
    services.requests_sla_sweep(now=at(2026, 3, 9, 10, 30))
    request = _fresh(request)
    assert request.sla_state == BREACHED
    assert request.overall_breached_at is None
    services.requests_sla_sweep(now=at(2026, 3, 9, 17, 1))
    request = _fresh(request)
    assert request.overall_breached_at == at(2026, 3, 9, 17)
    assert request.next_check_at is None


def test_waiting_on_the_citizen_moves_the_overall_target_by_the_time_waited(
    raise_request, officer, process
):
    request = raise_request()  # its stages stop the clock while waiting (the default)
    services.request_information_request(
        actor=officer, service_request=request, question="Which bin?", now=at(2026, 3, 2, 10)
    )
    # Two working days later (Wednesday 10:00) the citizen answers.
    services.request_citizen_reply(
        actor=None, service_request=request, text="The blue one", now=at(2026, 3, 4, 10)
    )
    request = _fresh(request)
    assert request.due_at == at(2026, 3, 11, 17)
    assert request.current_visit.due_at == at(2026, 3, 5, 17)
    assert request.sla_state == ON_TRACK


def test_a_stage_that_does_not_stop_the_clock_keeps_the_target(raise_request, officer, process):
    process.stages.update(pauses_while_waiting=False)
    request = raise_request()
    services.request_information_request(
        actor=officer, service_request=request, question="Which bin?", now=at(2026, 3, 2, 10)
    )
    services.request_citizen_reply(
        actor=None, service_request=request, text="The blue one", now=at(2026, 3, 4, 10)
    )
    assert _fresh(request).due_at == at(2026, 3, 9, 17)


@pytest.mark.parametrize(
    ("nation", "due"),
    [("ENG", at(2026, 4, 13, 17)), ("SCT", at(2026, 4, 10, 17))],
)
def test_bank_holidays_of_the_nation_push_the_target(raise_request, settings, nation, due):
    settings.BANK_HOLIDAY_NATION = nation
    # Thursday before Good Friday; Easter Monday is a holiday in England, not in Scotland.
    request = raise_request(now=at(2026, 4, 2, 9))
    assert request.due_at == due


def test_reopening_after_the_target_keeps_the_target_and_says_breached(raise_request, officer):
    request = raise_request()
    services.request_resolve(
        actor=officer, service_request=request, resolution="Collected", now=at(2026, 3, 3, 12)
    )
    assert _fresh(request).breached_at is None
    services.request_reopen(
        actor=officer,
        service_request=request,
        reason="Fridge left behind",
        now=at(2026, 3, 12, 10),
    )
    request = _fresh(request)
    assert request.due_at == at(2026, 3, 9, 17)
    assert request.sla_state == BREACHED
    assert request.overall_breached_at == at(2026, 3, 9, 17)


def test_an_explicit_change_needs_a_reason_is_audited_and_keeps_the_breach(raise_request, officer):
    request = raise_request()
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 12, 10))
    request = _fresh(request)
    assert request.sla_state == BREACHED
    with pytest.raises(ValidationError):
        services.request_due_change(
            actor=officer, service_request=request, due_at=at(2026, 3, 31, 17), reason=" "
        )
    services.request_due_change(
        actor=officer,
        service_request=request,
        due_at=at(2026, 3, 31, 17),
        reason="Contractor's van off the road; citizen agreed",
        now=at(2026, 3, 12, 11),
    )
    request = _fresh(request)
    assert request.due_at == at(2026, 3, 31, 17)
    assert request.overall_breached_at is None
    assert request.breached_at == at(2026, 3, 3, 17), "the breach stays recorded"
    assert request.sla_state == ON_TRACK  # the new stage is on time, and so is the new target
    event = AuditEvent.objects.filter(object_id=str(request.pk), detail__change="due_changed")
    assert "citizen agreed" in event.get().detail["reason"]
    entry = Entry.objects.get(citizen=request.citizen, summary__contains="due date changed")
    assert "09/03/2026" in entry.summary


def test_officer_changes_the_due_date_on_the_request_page(officer_client, raise_request):
    request = raise_request()
    url = reverse("requests_tracking:action", args=[request.pk, "change_due"])
    response = officer_client.post(url, {"change_due-due_date": "31/12/2099"})
    assert response.status_code == 200
    assert "Enter the reason for changing the due date." in response.text
    assert _fresh(request).due_at == at(2026, 3, 9, 17)
    response = officer_client.post(
        url, {"change_due-due_date": "31/12/2099", "change_due-reason": "Agreed with resident"}
    )
    assert response.status_code == 302
    assert _fresh(request).due_at == at(2099, 12, 31, 17)


def test_citizen_page_says_honestly_that_it_is_late(raise_request, officer):
    request = raise_request()
    services.request_advance(actor=officer, service_request=request, now=at(2026, 3, 20, 10))
    text = Client().get(tracking_path(request)).text
    assert "We aimed to finish by" in text
    assert "Monday 9 March 2026" in text
    assert "This is taking longer than we aimed for. We now expect to finish by" in text
    assert "We aim to finish by" not in text

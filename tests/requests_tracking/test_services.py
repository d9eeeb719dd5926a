import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from requests_tracking import services
from requests_tracking.models import Request, StageVisit
from requests_tracking.services import TransitionRefused, dates
from tests.requests_tracking.conftest import at

S = Request.Status


def test_request_create_sets_reference_stage_and_due_dates(raise_request, process):
    request = raise_request()
    assert request.reference.startswith("REQ-2026-")
    assert len(request.reference) == len("REQ-2026-000123")
    assert request.current_stage.name == "Assess"
    assert request.status == S.OPEN
    # Stage 1 is 2 working days: close of Tuesday 3 March. Overall 6 days: close of Monday 9th.
    assert request.current_visit.due_at == at(2026, 3, 3, 17)
    assert request.due_at == at(2026, 3, 9, 17)
    assert request.estimated_completion_at == request.due_at  # no history yet: the SLAs
    assert request.next_check_at is not None


def test_references_are_sequential(raise_request):
    first, second = raise_request(), raise_request()
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_request_create_refuses_a_retired_process_version(raise_request, process):
    process.is_current = False
    process.save()
    with pytest.raises(ValidationError):
        raise_request()


def test_advance_moves_to_next_stage_and_records_history(raise_request, officer):
    request = raise_request()
    request = services.request_advance(
        actor=officer, service_request=request, now=at(2026, 3, 3, 12)
    )
    assert request.current_stage.name == "Do the work"
    first = request.visits.order_by("entered_at").first()
    assert first.exit == StageVisit.Exit.ADVANCED
    assert first.sla_met is True
    assert first.left_by == officer
    assert first.working_seconds == (8 + 3) * 3600


def test_advance_after_the_stage_due_date_records_a_breach(raise_request, officer):
    request = raise_request()
    request = services.request_advance(
        actor=officer, service_request=request, now=at(2026, 3, 5, 12)
    )
    assert request.visits.order_by("entered_at").first().sla_met is False


def test_advance_is_refused_at_the_last_stage(raise_request, officer):
    request = raise_request()
    services.request_advance(actor=officer, service_request=request)
    services.request_advance(actor=officer, service_request=request)
    with pytest.raises(TransitionRefused, match="last stage"):
        services.request_advance(actor=officer, service_request=request)


def test_move_back_is_refused_at_the_first_stage(raise_request, officer):
    with pytest.raises(TransitionRefused, match="first stage"):
        services.request_move_back(actor=officer, service_request=raise_request())


def test_move_back_returns_to_previous_stage(raise_request, officer):
    request = services.request_advance(actor=officer, service_request=raise_request())
    request = services.request_move_back(actor=officer, service_request=request)
    assert request.current_stage.name == "Assess"
    assert request.visits.count() == 3


def test_hold_needs_a_reason_and_blocks_moving(raise_request, officer):
    request = raise_request()
    with pytest.raises(ValidationError):
        services.request_hold(actor=officer, service_request=request, reason=" ")
    request = services.request_hold(
        actor=officer, service_request=request, reason="Awaiting contractor"
    )
    assert request.status == S.ON_HOLD
    with pytest.raises(TransitionRefused, match="on hold"):
        services.request_advance(actor=officer, service_request=request)
    with pytest.raises(TransitionRefused, match="already on hold"):
        services.request_hold(actor=officer, service_request=request, reason="again")
    request = services.request_resume(actor=officer, service_request=request)
    assert request.status == S.OPEN


def test_resume_is_refused_unless_on_hold(raise_request, officer):
    with pytest.raises(TransitionRefused):
        services.request_resume(actor=officer, service_request=raise_request())


def test_resolve_close_reopen_cycle(raise_request, officer):
    request = raise_request()
    with pytest.raises(TransitionRefused, match="resolved request"):
        services.request_close(actor=officer, service_request=request)
    with pytest.raises(TransitionRefused, match="reopened"):
        services.request_reopen(actor=officer, service_request=request, reason="x")
    with pytest.raises(ValidationError):
        services.request_resolve(actor=officer, service_request=request, resolution="")
    request = services.request_resolve(
        actor=officer, service_request=request, resolution="Collected"
    )
    assert request.status == S.RESOLVED
    assert request.resolved_at
    assert request.next_check_at is None
    with pytest.raises(TransitionRefused, match="already resolved"):
        services.request_resolve(actor=officer, service_request=request, resolution="again")
    with pytest.raises(TransitionRefused):
        services.request_advance(actor=officer, service_request=request)
    request = services.request_close(actor=officer, service_request=request)
    assert request.status == S.CLOSED
    request = services.request_reopen(actor=officer, service_request=request, reason="Fridge left")
    assert request.status == S.OPEN
    assert request.resolved_at is None
    assert request.closed_at is None
    assert request.current_stage.name == "Assess"
    assert request.next_check_at is not None


def test_cancel_needs_a_reason_and_is_final(raise_request, officer):
    request = raise_request()
    with pytest.raises(ValidationError):
        services.request_cancel(actor=officer, service_request=request, reason="")
    request = services.request_cancel(
        actor=officer, service_request=request, reason="Duplicate report"
    )
    assert request.status == S.CANCELLED
    assert request.status_reason == "Duplicate report"
    for call in (
        lambda: services.request_cancel(actor=officer, service_request=request, reason="x"),
        lambda: services.request_reopen(actor=officer, service_request=request, reason="x"),
        lambda: services.request_hold(actor=officer, service_request=request, reason="x"),
        lambda: services.request_assign(actor=officer, service_request=request),
    ):
        with pytest.raises(TransitionRefused):
            call()


def test_information_request_needs_a_citizen(raise_request, officer):
    request = raise_request(citizen=None)
    with pytest.raises(TransitionRefused, match="anonymous"):
        services.request_information_request(
            actor=officer, service_request=request, question="Photo?"
        )


def test_citizen_reply_refused_when_not_waiting(raise_request, officer):
    with pytest.raises(TransitionRefused, match="not waiting"):
        services.request_citizen_reply(
            actor=officer, service_request=raise_request(), text="hello"
        )


def test_waiting_for_citizen_stops_the_clock(raise_request, officer):
    request = raise_request()  # stage 1 due at close of Tuesday 3 March
    services.request_information_request(
        actor=officer, service_request=request, question="Which items?", now=at(2026, 3, 2, 13)
    )
    request.refresh_from_db()
    assert request.status == S.WAITING
    assert request.next_check_at is None  # nothing falls due while the clock is stopped
    with pytest.raises(TransitionRefused, match="waiting for the citizen"):
        services.request_advance(actor=officer, service_request=request)
    # The citizen answers a day and a half later (12 working hours): the due date moves too.
    services.request_citizen_reply(service_request=request, text="A sofa", now=at(2026, 3, 4, 9))
    request.refresh_from_db()
    assert request.status == S.OPEN
    assert request.current_visit.paused_seconds == 12 * 3600
    assert request.current_visit.due_at == at(2026, 3, 5, 13)


def test_clock_keeps_running_when_the_stage_does_not_pause(raise_request, officer, process):
    process.stages.update(pauses_while_waiting=False)
    request = raise_request()
    services.request_information_request(
        actor=officer, service_request=request, question="Which items?", now=at(2026, 3, 2, 13)
    )
    request.refresh_from_db()
    assert request.next_check_at is not None
    services.request_citizen_reply(service_request=request, text="A sofa", now=at(2026, 3, 4, 9))
    request.refresh_from_db()
    assert request.current_visit.due_at == at(2026, 3, 3, 17)


def test_estimated_completion_learns_from_completed_requests(raise_request, officer):
    # Three earlier requests each took 1 working hour per stage.
    for day in (2, 3, 4):
        done = raise_request(now=at(2026, 2, day, 9))
        done = services.request_advance(
            actor=officer, service_request=done, now=at(2026, 2, day, 10)
        )
        done = services.request_advance(
            actor=officer, service_request=done, now=at(2026, 2, day, 11)
        )
        services.request_resolve(
            actor=officer, service_request=done, resolution="done", now=at(2026, 2, day, 12)
        )
    # The averages are kept for EXPECTED_KEEP_SECONDS in each worker: ten minutes later.
    dates.stage_expected_forget()
    request = raise_request()  # Monday 2 March 09:00
    assert request.estimated_completion_at == at(2026, 3, 2, 12)
    assert request.due_at == at(2026, 3, 9, 17)  # the SLA promise is unchanged


def test_stage_averages_are_worked_out_once_per_keep_window(
    raise_request, officer, monkeypatch, django_assert_num_queries
):
    """One aggregate over the year's stays per process per window, not one per raise or move;
    a stay completed in the window counts once the window has passed."""
    clock = [1000.0]
    monkeypatch.setattr(dates.clock, "monotonic", lambda: clock[0])
    first = raise_request()
    assert dates.stage_expected_seconds(first.process) == {}
    for day in (2, 3, 4):
        done = raise_request(now=at(2026, 2, day, 9))
        done = services.request_advance(
            actor=officer, service_request=done, now=at(2026, 2, day, 10)
        )
    with django_assert_num_queries(0):
        assert dates.stage_expected_seconds(first.process) == {}
    clock[0] += dates.EXPECTED_KEEP_SECONDS + 1
    with django_assert_num_queries(1):
        assert dates.stage_expected_seconds(first.process) == {1: 3600.0}


def test_new_process_version_leaves_open_requests_alone(raise_request, officer, process):
    from requests_tracking.versioning import process_new_version

    old = raise_request()
    new_version = process_new_version(actor=officer, process=process)
    new_version.stages.filter(order=1).update(sla_amount=10)
    process.refresh_from_db()
    assert process.is_current is False
    assert new_version.version == 2
    services.request_advance(actor=officer, service_request=old)
    old.refresh_from_db()
    assert old.process == process
    assert old.current_stage.process == process
    fresh = raise_request(process=new_version)
    assert fresh.current_visit.due_at == at(2026, 3, 13, 17)


def test_assign_refuses_a_team_of_another_service_area(raise_request, officer):
    from tests.factories import TeamFactory

    request = raise_request()
    with pytest.raises(ValidationError):
        services.request_assign(actor=officer, service_request=request, team=TeamFactory())
    services.request_assign(
        actor=officer, service_request=request, team=request.team, assigned_to=officer
    )
    request.refresh_from_db()
    assert request.assigned_to == officer


def test_transitions_allowed_matches_the_guards(raise_request, officer):
    request = raise_request()
    assert services.transitions_allowed(request) == {
        "advance",
        "hold",
        "request_information",
        "resolve",
        "cancel",
        "assign",
        "change_due",
    }


def test_changes_are_audited(raise_request, officer):
    from audit.models import AuditEvent

    request = raise_request()
    services.request_advance(actor=officer, service_request=request)
    changes = AuditEvent.objects.filter(object_id=str(request.pk), actor=officer)
    assert {e.detail["change"] for e in changes} >= {"created", "stage"}


def test_estimates_that_slipped_into_the_past_are_moved_forward(raise_request, officer):
    late = raise_request()  # Monday 2 March 09:00
    done = raise_request()
    services.request_resolve(
        actor=officer, service_request=done, resolution="done", now=at(2026, 3, 2, 10)
    )
    saturday = at(2026, 3, 14, 10)
    assert late.estimated_completion_at < saturday

    assert services.requests_estimates_refresh(now=saturday) == 1

    late.refresh_from_db()
    assert late.estimated_completion_at > saturday
    assert timezone.localtime(late.estimated_completion_at).weekday() < 5, "a working day"
    # An overdue stage still needs some working time: not "finished this minute".
    assert late.estimated_completion_at >= at(2026, 3, 16, 10)
    done.refresh_from_db()
    assert done.estimated_completion_at == at(2026, 3, 2, 10)

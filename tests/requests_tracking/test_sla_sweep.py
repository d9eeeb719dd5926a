import pytest
from django.core import mail

from notifications.models import Message
from requests_tracking import services
from requests_tracking.models import ActionFiring, Request, StageAction
from tests.factories import MessageTemplateFactory, StageActionFactory
from tests.requests_tracking.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _email_backend(settings):
    settings.NOTIFICATIONS_BACKEND = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def first_stage(process):
    return process.stages.get(order=1)


def test_sweep_marks_at_risk_then_breached_once(raise_request):
    request = raise_request()  # stage 1: 16 working hours from Monday 09:00
    assert services.requests_sla_sweep(now=at(2026, 3, 2, 12)) == 0
    assert services.requests_sla_sweep(now=at(2026, 3, 3, 13, 47)) == 0
    assert services.requests_sla_sweep(now=at(2026, 3, 3, 13, 48)) == 1  # 80 % = 12.8 hours
    request.refresh_from_db()
    assert request.sla_state == Request.SlaState.AT_RISK
    assert services.requests_sla_sweep(now=at(2026, 3, 3, 16)) == 0
    assert services.requests_sla_sweep(now=at(2026, 3, 4, 10)) == 1
    request.refresh_from_db()
    assert request.sla_state == Request.SlaState.BREACHED
    assert request.next_check_at == request.due_at  # the overall target is checked next
    assert services.requests_sla_sweep(now=at(2026, 3, 9, 10)) == 0


def test_breach_action_notifies_the_team_exactly_once(
    raise_request, process, django_capture_on_commit_callbacks
):
    StageActionFactory(stage=first_stage(process), trigger=StageAction.Trigger.BREACH)
    request = raise_request()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.requests_sla_sweep(now=at(2026, 3, 4, 10))
    messages = Message.objects.filter(object_id=str(request.pk), recipient_kind="team")
    assert messages.count() == 1
    assert messages.get().status == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [request.team.email]
    assert request.reference in mail.outbox[0].subject


def test_share_action_fires_at_its_share_of_the_sla(
    raise_request, process, django_capture_on_commit_callbacks
):
    StageActionFactory(
        stage=first_stage(process),
        trigger=StageAction.Trigger.SHARE,
        share_percent=50,
        recipient=StageAction.Recipient.CITIZEN,
    )
    raise_request()
    services.requests_sla_sweep(now=at(2026, 3, 2, 16, 59))
    assert Message.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.requests_sla_sweep(now=at(2026, 3, 2, 17))  # 8 of 16 working hours
    assert list(Message.objects.values_list("recipient", flat=True)) == ["jane@example.com"]
    assert "Jane" in mail.outbox[0].body


def test_every_trigger_fires_once_per_stage_visit(raise_request, process, officer):
    template = MessageTemplateFactory()
    stage = first_stage(process)
    for trigger in (StageAction.Trigger.ENTER, StageAction.Trigger.RESOLVE):
        StageActionFactory(
            stage=stage,
            trigger=trigger,
            template=template,
            recipient=StageAction.Recipient.CITIZEN,
        )
    request = raise_request()
    assert Message.objects.filter(event__startswith="When the stage is entered").count() == 1
    services.request_resolve(actor=officer, service_request=request, resolution="done")
    assert Message.objects.filter(event__startswith="When the request is resolved").count() == 1
    assert ActionFiring.objects.filter(visit__request=request).count() == 2


def test_contractor_and_officer_recipients(raise_request, process, officer):
    stage = first_stage(process)
    StageActionFactory(
        stage=stage,
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CONTRACTOR,
        contractor_email="crew@contractor.example",
    )
    StageActionFactory(
        stage=stage, trigger=StageAction.Trigger.ENTER, recipient=StageAction.Recipient.OFFICER
    )
    raise_request(assigned_to=officer)
    assert set(Message.objects.values_list("recipient", flat=True)) == {
        "crew@contractor.example",
        officer.email,
    }


def test_paused_request_is_not_swept(raise_request, officer):
    request = raise_request()
    services.request_information_request(
        actor=officer, service_request=request, question="Photo please", now=at(2026, 3, 2, 10)
    )
    assert services.requests_sla_sweep(now=at(2026, 3, 20, 10)) == 0
    request.refresh_from_db()
    assert request.sla_state == Request.SlaState.ON_TRACK


def test_information_request_tells_the_citizen(
    raise_request, officer, django_capture_on_commit_callbacks
):
    request = raise_request()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_information_request(
            actor=officer, service_request=request, question="Photo please"
        )
    assert mail.outbox[-1].to == ["jane@example.com"]
    assert "Photo please" in mail.outbox[-1].body


def test_auto_close_closes_old_resolved_requests_and_tells_the_citizen(
    raise_request, officer, settings, django_capture_on_commit_callbacks
):
    settings.REQUEST_AUTO_CLOSE_DAYS = 14
    request = raise_request()
    services.request_resolve(
        actor=officer, service_request=request, resolution="Collected", now=at(2026, 3, 3, 10)
    )
    assert services.requests_auto_close(now=at(2026, 3, 16, 10)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requests_auto_close(now=at(2026, 3, 17, 11)) == 1
    request.refresh_from_db()
    assert request.status == Request.Status.CLOSED
    assert "closed" in mail.outbox[-1].subject
    assert services.requests_auto_close(now=at(2026, 3, 18, 11)) == 0


def test_followers_are_told_like_the_reporter(raise_request, process, officer):
    from tests.factories import CitizenFactory, EmailAddressFactory

    StageActionFactory(
        stage=process.stages.get(order=2),
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CITIZEN,
    )
    neighbour = CitizenFactory(middle_names="")
    EmailAddressFactory(citizen=neighbour, email="neighbour@example.com")
    request = raise_request()
    services.follower_citizen_add(actor=officer, service_request=request, citizen=neighbour)
    services.request_advance(actor=officer, service_request=request)
    assert set(Message.objects.values_list("recipient", flat=True)) == {
        "jane@example.com",
        "neighbour@example.com",
    }


def _citizen_with_follower(n):
    from tests.factories import CitizenFactory, EmailAddressFactory, PhoneNumberFactory

    person = CitizenFactory(middle_names="", preferred_channel="sms")
    PhoneNumberFactory(citizen=person, number=f"+4477009{n:05d}")
    EmailAddressFactory(citizen=person, email=f"person{n}@example.com")
    neighbour = CitizenFactory(middle_names="")
    EmailAddressFactory(citizen=neighbour, email=f"neighbour{n}@example.com")
    return person, neighbour


def _breach_actions(process):
    stage = first_stage(process)
    template = MessageTemplateFactory(sms_body="Text: {{ reference }} is late")
    for recipient in (StageAction.Recipient.CITIZEN, StageAction.Recipient.TEAM):
        StageActionFactory(
            stage=stage, trigger=StageAction.Trigger.BREACH, recipient=recipient, template=template
        )


def _sweep_queries(raise_request, officer, count, first):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(first, first + count):
        person, neighbour = _citizen_with_follower(n)
        request = raise_request(citizen=person)
        services.follower_citizen_add(actor=officer, service_request=request, citizen=neighbour)
    with CaptureQueriesContext(connection) as queries:
        assert services.requests_sla_sweep(now=at(2026, 3, 4, 10)) == count
    return len(queries)


def test_sweep_queries_do_not_grow_with_the_number_of_due_requests(
    raise_request, process, officer
):
    _breach_actions(process)
    few = _sweep_queries(raise_request, officer, 2, first=0)
    many = _sweep_queries(raise_request, officer, 12, first=100)
    assert many == few
    # Each request: the citizen by text (their preference), the follower by email, the team.
    assert Message.objects.count() == 14 * 3
    assert Message.objects.filter(channel="sms", body__startswith="Text: REQ-").count() == 14


def test_sweep_hands_each_batch_of_messages_to_the_workers_once(
    raise_request, process, django_capture_on_commit_callbacks
):
    StageActionFactory(stage=first_stage(process), trigger=StageAction.Trigger.BREACH)
    for _ in range(3):
        raise_request()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.requests_sla_sweep(now=at(2026, 3, 4, 10), batch_size=2) == 3
    assert len(callbacks) == 2  # one per batch of two, not one per message
    assert Message.objects.filter(status=Message.Status.SENT).count() == 3
    assert len(mail.outbox) == 3


def test_sweep_writes_one_timeline_entry_per_breach(raise_request, process):
    from timeline.models import Entry

    told = raise_request()
    anonymous = raise_request(citizen=None)
    services.requests_sla_sweep(now=at(2026, 3, 3, 14))  # at risk: no entry
    assert not Entry.objects.filter(key__contains=":breach:").exists()
    services.requests_sla_sweep(now=at(2026, 3, 4, 10))
    entries = Entry.objects.filter(key__contains=":breach:")
    assert [(e.citizen_id, e.source_id) for e in entries] == [(told.citizen_id, str(told.pk))]
    assert "SLA breached" in entries.get().summary
    assert anonymous.citizen_id is None


def test_sweep_outcome_says_who_was_told(raise_request, process):
    from tests.factories import CitizenFactory

    stage = first_stage(process)
    StageActionFactory(
        stage=stage, trigger=StageAction.Trigger.BREACH, recipient=StageAction.Recipient.CITIZEN
    )
    StageActionFactory(
        stage=stage,
        trigger=StageAction.Trigger.BREACH,
        recipient=StageAction.Recipient.CITIZEN,
        channel=StageAction.Channel.SMS,
    )
    told = raise_request()
    unreachable = raise_request(citizen=CitizenFactory())
    services.requests_sla_sweep(now=at(2026, 3, 4, 10))
    firings = ActionFiring.objects.filter(key__startswith="action:")
    assert sorted(firings.filter(visit__request=told).values_list("outcome", flat=True)) == [
        "1 message(s) to the citizen",
        "nobody to send to",  # no mobile for the text message
    ]
    assert sorted(
        firings.filter(visit__request=unreachable).values_list("outcome", flat=True)
    ) == ["citizen has no details", "nobody to send to"]

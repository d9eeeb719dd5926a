from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from notifications import services, tasks
from notifications.backends import TemporaryFailure
from notifications.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _smtp_to_memory(settings):
    settings.NOTIFICATIONS_BACKEND = "smtp"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def enqueue(key="event-1:email:a@example.com", **kwargs):
    kwargs.setdefault("channel", "email")
    kwargs.setdefault("recipient", "a@example.com")
    kwargs.setdefault("subject", "Hello")
    kwargs.setdefault("body", "Your request has moved on.")
    return services.message_enqueue(idempotency_key=key, **kwargs)


def test_message_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message, created = enqueue()
        assert created
        assert mail.outbox == []  # nothing leaves before commit
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id
    assert len(mail.outbox) == 1


def test_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enqueue()
        raise RuntimeError("the change failed")
    assert Message.objects.count() == 0
    assert mail.outbox == []


def test_same_idempotency_key_never_makes_a_second_message(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = enqueue()
        second, created = enqueue()
    assert not created
    assert first.pk == second.pk
    services.outbox_sweep()
    assert len(mail.outbox) == 1


def test_broker_outage_delays_but_loses_nothing(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_messages, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message, _ = enqueue()  # the change commits even though the broker is down
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert mail.outbox == []

    monkeypatch.undo()  # the broker is back: the periodic sweep finds the message
    tasks.outbox_sweep.apply()
    tasks.outbox_sweep.apply()
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert len(mail.outbox) == 1


def test_temporary_failure_is_retried_with_backoff(monkeypatch):
    message, _ = enqueue()
    calls = []

    def flaky(self, msg):
        calls.append(msg.pk)
        if len(calls) < 3:
            raise TemporaryFailure("Email server error: connection refused")
        return "provider-123"

    monkeypatch.setattr("notifications.backends.SmtpBackend.send", flaky)
    now = timezone.now()
    services.message_send(message_id=message.pk, now=now)
    message.refresh_from_db()
    assert message.status == Message.Status.PENDING
    assert message.last_error.startswith("Email server error")
    first_retry = message.next_attempt_at
    assert first_retry > now + timedelta(seconds=25)
    # Not due yet: the sweep leaves it alone.
    assert services.outbox_sweep(now=now + timedelta(seconds=5)) == 0
    services.outbox_sweep(now=first_retry + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.next_attempt_at - first_retry > timedelta(seconds=55)  # doubled delay
    services.outbox_sweep(now=message.next_attempt_at + timedelta(seconds=1))
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert message.provider_id == "provider-123"
    assert message.attempts == 3


def test_gives_up_after_max_attempts(monkeypatch):
    message, _ = enqueue()

    def down(self, msg):
        raise TemporaryFailure("still down")

    monkeypatch.setattr("notifications.backends.SmtpBackend.send", down)
    moment = timezone.now()
    for _ in range(services.MAX_ATTEMPTS):
        moment += timedelta(hours=2)
        services.outbox_sweep(now=moment)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "Gave up after 10 attempts" in message.last_error


def test_message_being_sent_is_not_sent_again_by_the_sweep():
    message, _ = enqueue()
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENDING, next_attempt_at=now + services.send_lease()
    )
    assert services.outbox_sweep(now=now) == 0
    assert mail.outbox == []
    # A crashed sender's lease runs out and the message goes out after all.
    services.outbox_sweep(now=now + services.send_lease() + timedelta(seconds=1))
    assert len(mail.outbox) == 1


def test_smtp_backend_refuses_text_messages():
    message, _ = enqueue(key="k:sms", channel="sms", recipient="+447700900123")
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "GOV.UK Notify" in message.last_error


def test_console_backend_prints_the_message(settings, capsys):
    settings.NOTIFICATIONS_BACKEND = "console"
    message, _ = enqueue()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert "Your request has moved on." in capsys.readouterr().out


def test_unknown_backend_fails_with_reason(settings):
    settings.NOTIFICATIONS_BACKEND = "pigeon"
    message, _ = enqueue()
    services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    assert "console, smtp or notify" in message.last_error


def test_template_placeholders_render_and_bad_ones_are_reported():
    assert services.template_render(text="Ref {{ reference }}", context={"reference": "R1"}) == (
        "Ref R1"
    )
    assert services.template_check("Ref {{ reference|no_such_filter }}") is not None
    assert services.template_check("Ref {% if x %}") is not None
    assert services.template_check("Ref {{ reference }}") is None


def outgoing(key, recipient="a@example.com", **kwargs):
    kwargs.setdefault("channel", "email")
    kwargs.setdefault("body", "Your request has moved on.")
    return services.OutgoingMessage(idempotency_key=key, recipient=recipient, **kwargs)


def test_enqueue_many_writes_new_keys_once_and_sends_them_in_one_task(
    django_capture_on_commit_callbacks, monkeypatch
):
    enqueue(key="old")  # already in the outbox from an earlier event
    batches = []
    real_delay = tasks.send_messages.delay
    monkeypatch.setattr(
        tasks.send_messages, "delay", lambda ids: batches.append(ids) or real_delay(ids)
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.messages_enqueue_many(
            messages=[
                outgoing("old"),
                outgoing("new-1", "b@example.com"),
                outgoing("new-2", "c@example.com", channel="sms", subject="Hi"),
                outgoing("new-1", "someone-else@example.com"),  # same key twice: first wins
            ]
        )
        assert mail.outbox == []  # nothing leaves before commit
    assert len(callbacks) == 1
    assert sorted(m.idempotency_key for m in created) == ["new-1", "new-2"]
    assert all(m.pk for m in created)
    assert batches == [[m.pk for m in created]]
    assert Message.objects.count() == 3
    assert Message.objects.get(idempotency_key="new-1").recipient == "b@example.com"
    assert Message.objects.get(idempotency_key="new-1").status == Message.Status.SENT
    assert [m.to for m in mail.outbox] == [["b@example.com"]]  # the SMS fails: SMTP has no SMS


def test_enqueue_many_again_with_the_same_keys_writes_and_sends_nothing(
    django_capture_on_commit_callbacks,
):
    messages = [outgoing(f"event:{n}", f"p{n}@example.com") for n in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.messages_enqueue_many(messages=messages)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.messages_enqueue_many(messages=messages) == []
    assert callbacks == []
    assert Message.objects.count() == 3
    assert len(mail.outbox) == 3


def test_enqueue_many_sends_one_queued_signal_with_the_new_messages():
    from notifications.signals import notifications_queued

    heard = []

    def receiver(sender, instances, **kwargs):
        heard.append(sorted(m.idempotency_key for m in instances))

    enqueue(key="old")
    notifications_queued.connect(receiver)
    try:
        services.messages_enqueue_many(messages=[outgoing("old"), outgoing("x"), outgoing("y")])
        services.messages_enqueue_many(messages=[outgoing("x")])
    finally:
        notifications_queued.disconnect(receiver)
    assert heard == [["x", "y"]]


def test_enqueue_many_during_a_broker_outage_loses_nothing(
    monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_messages, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        services.messages_enqueue_many(messages=[outgoing("a"), outgoing("b", "b@example.com")])
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.PENDING}
    monkeypatch.undo()
    tasks.outbox_sweep.apply()
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.SENT}
    assert len(mail.outbox) == 2


def test_rolled_back_batch_writes_and_sends_nothing(django_capture_on_commit_callbacks):
    with (  # noqa: PT012
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.messages_enqueue_many(messages=[outgoing("a"), outgoing("b")])
        raise RuntimeError("the change failed")
    assert Message.objects.count() == 0
    assert mail.outbox == []

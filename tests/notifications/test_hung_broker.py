"""A broker that accepts connections and never answers must not hold a web request: the broker
timeouts are short (asserted here as settings, not timed), a failed publish is logged and the
message waits in the outbox for the sweep, and the page says the change was saved."""

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from notifications import services
from notifications.models import Message
from requests_tracking.models import StageAction
from tests.factories import (
    CitizenFactory,
    EmailAddressFactory,
    ProcessFactory,
    StageActionFactory,
)
from tests.notifications.faults import SilentBroker, web_broker


def test_broker_publishes_have_short_timeouts_and_bounded_retries():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["socket_connect_timeout"] == settings.BROKER_CONNECT_TIMEOUT <= 5
    assert options["socket_timeout"] == settings.BROKER_SOCKET_TIMEOUT <= 5
    # Above the worker's 1-second BRPOP wait, or idle workers would time out.
    assert settings.BROKER_SOCKET_TIMEOUT > 1
    assert options["retry_on_timeout"] is False
    assert options["max_retries"] == 1  # reconnecting: kombu's default retries forever
    assert settings.CELERY_BROKER_CONNECTION_TIMEOUT == settings.BROKER_CONNECT_TIMEOUT
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["max_retries"] == 1
    assert settings.CELERY_TASK_PUBLISH_RETRY_POLICY["interval_max"] <= 1


def test_the_celery_app_uses_those_settings():
    from config.celery import app

    assert app.conf.broker_transport_options["socket_timeout"] == settings.BROKER_SOCKET_TIMEOUT
    assert app.conf.broker_connection_timeout == settings.BROKER_CONNECT_TIMEOUT
    assert app.conf.task_publish_retry_policy["max_retries"] == 1


@pytest.fixture
def silent_broker():
    broker = SilentBroker()
    with web_broker(broker.url):
        yield broker
    broker.close()


@pytest.mark.django_db(transaction=True)
def test_a_hung_broker_leaves_the_message_pending_and_the_page_says_saved(
    client, officer, silent_broker, caplog
):
    from requests_tracking.services import request_create

    process = ProcessFactory()
    officer.service_areas.add(process.service_area)
    StageActionFactory(
        stage=process.stages.get(order=2),
        trigger=StageAction.Trigger.ENTER,
        recipient=StageAction.Recipient.CITIZEN,
    )
    citizen = CitizenFactory()
    EmailAddressFactory(citizen=citizen, email="jane@example.com")
    service_request = request_create(
        actor=officer, process=process, citizen=citizen, description="Sofa to collect"
    )
    Message.objects.all().delete()
    client.force_login(officer)

    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        response = client.post(
            reverse("requests_tracking:action", args=[service_request.pk, "advance"]),
            follow=True,
        )

    assert response.status_code == 200
    assert "Moved to the next stage." in response.text
    service_request.refresh_from_db()
    assert service_request.current_stage.order == 2
    message = Message.objects.get(recipient="jane@example.com")
    assert message.status == Message.Status.PENDING  # the sweep sends it
    assert silent_broker.connections  # the publish did go to the hung broker
    assert "the outbox sweep will send 1 message(s)" in caplog.text


@pytest.mark.django_db
def test_any_publish_error_is_logged_and_never_reaches_the_caller(monkeypatch, caplog):
    from notifications import tasks

    def hung(*args, **kwargs):
        raise TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(tasks.send_messages, "delay", hung)
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        services._dispatch([1, 2])
    assert "Broker unavailable (TimeoutError: Timeout reading from socket)" in caplog.text

"""Two transitions posted at the same moment on one request, each from its own thread with its
own database connection (two officers, two API clients, or one double click): exactly one
changes the request, the other is told it moved on, and the request keeps one open stage
visit and sends one set of messages.

Real row locks need PostgreSQL (SQLite serialises every writer), so these run there only.
"""

import html
import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from notifications.models import Message
from requests_tracking import services
from requests_tracking.models import Request, StageAction, StageVisit
from tests.factories import (
    CitizenFactory,
    EmailAddressFactory,
    MessageTemplateFactory,
    ProcessFactory,
    StaffFactory,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite: one writer)"
    ),
]

MOVED_ON = "This request has moved on since you opened it"


@pytest.fixture
def world():
    process = ProcessFactory()
    officers = [
        StaffFactory(username=f"race-officer-{n}", role=Role.SERVICE_OFFICER) for n in (1, 2)
    ]
    for officer in officers:
        officer.service_areas.add(process.service_area)
    template = MessageTemplateFactory()
    for stage in process.stages.all():
        for trigger in (StageAction.Trigger.ENTER, StageAction.Trigger.RESOLVE):
            StageAction.objects.create(
                stage=stage,
                trigger=trigger,
                recipient=StageAction.Recipient.CITIZEN,
                template=template,
            )
    citizen = CitizenFactory()
    EmailAddressFactory(citizen=citizen, email="racer@example.com")
    service_request = services.request_create(
        actor=officers[0], process=process, citizen=citizen, description="Pothole"
    )
    return {"request": service_request, "officers": officers}


def _prepare(world, setup):
    """Bring the request to the state both posts start from; return it fresh."""
    officer = world["officers"][0]
    service_request = world["request"]
    for step in setup:
        name, data = step if isinstance(step, tuple) else (step, {})
        services.transition_run(
            actor=officer, service_request=service_request, name=name, data=data
        )
    return Request.objects.select_related("current_stage").get(pk=service_request.pk)


def _page_post(officer, service_request, action, data):
    from django.test import Client

    client = Client()
    client.force_login(officer)
    fields = {
        "expected_stage": service_request.current_stage_id,
        "expected_status": service_request.status,
        "expected_version": service_request.version,
        **{f"{action}-{k}": v for k, v in data.items()},
    }
    if action == "assign":
        fields.update(data)

    def post():
        response = client.post(
            reverse("requests_tracking:action", args=[service_request.pk, action]),
            fields,
            follow=True,
        )
        text = html.unescape(response.content.decode())
        done = services.TRANSITION_TABLE[action].done
        return "done" if done in text else ("moved on" if MOVED_ON in text else text[:2000])

    return post


def _api_post(officer, service_request, action, data):
    client = APIClient()
    client.force_authenticate(officer)

    def post():
        response = client.post(
            f"/api/v1/requests/{service_request.pk}/{action}/",
            {**data, "expected_stage": service_request.current_stage_id},
            format="json",
        )
        if response.status_code == 200:
            return "done"
        if response.status_code == 409 and MOVED_ON in response.json()["detail"]:
            return "moved on"
        return f"{response.status_code} {response.content[:500]}"

    return post


def _race(first, second):
    """Run both posts at once, each in its own thread and database connection."""
    barrier = threading.Barrier(2)
    results = [None, None]

    def run(index, post):
        try:
            barrier.wait(timeout=30)
            results[index] = post()
        except Exception as exc:  # reported in the assertion below
            results[index] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


# (name, set-up transitions, first post, second post, messages the winner sends)
PAIRS = [
    ("advance twice", [], ("advance", {}), ("advance", {}), 1),
    ("advance and back", ["advance"], ("advance", {}), ("back", {}), 1),
    ("back twice", ["advance"], ("back", {}), ("back", {}), 1),
    ("advance and hold", [], ("advance", {}), ("hold", {"reason": "Parts"}), None),
    ("hold twice", [], ("hold", {"reason": "Parts"}), ("hold", {"reason": "Parts"}), 0),
    ("resume twice", [("hold", {"reason": "Parts"})], ("resume", {}), ("resume", {}), 0),
    (
        "ask twice",
        [],
        ("request_information", {"question": "Which side?"}),
        ("request_information", {"question": "Which side?"}),
        1,
    ),
    (
        "ask twice while waiting",
        [("request_information", {"question": "Which side?"})],
        ("request_information", {"question": "And the colour?"}),
        ("request_information", {"question": "And the colour?"}),
        1,
    ),
    (
        "reply twice",
        [("request_information", {"question": "Which side?"})],
        ("citizen_reply", {"text": "North"}),
        ("citizen_reply", {"text": "North"}),
        0,
    ),
    (
        "resolve twice",
        [],
        ("resolve", {"resolution": "Filled"}),
        ("resolve", {"resolution": "Filled"}),
        1,
    ),
    (
        "resolve and cancel",
        [],
        ("resolve", {"resolution": "Filled"}),
        ("cancel", {"reason": "Dup"}),
        None,
    ),
    ("advance and resolve", [], ("advance", {}), ("resolve", {"resolution": "Filled"}), 1),
    ("close twice", [("resolve", {"resolution": "Filled"})], ("close", {}), ("close", {}), 0),
    (
        "reopen twice",
        [("resolve", {"resolution": "Filled"})],
        ("reopen", {"reason": "Sunk again"}),
        ("reopen", {"reason": "Sunk again"}),
        1,
    ),
    ("cancel twice", [], ("cancel", {"reason": "Dup"}), ("cancel", {"reason": "Dup"}), 0),
    ("assign twice", [], ("assign", {"team": ""}), ("assign", {"team": ""}), 0),
]


@pytest.mark.parametrize(
    ("setup", "first", "second", "messages"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_two_page_posts_at_once_change_the_request_once(world, setup, first, second, messages):
    service_request = _prepare(world, setup)
    visits_before = StageVisit.objects.filter(request=service_request).count()
    messages_before = Message.objects.count()
    one, two = world["officers"]
    results = _race(
        _page_post(one, service_request, *first), _page_post(two, service_request, *second)
    )
    assert sorted(results) == ["done", "moved on"], results
    after = Request.objects.get(pk=service_request.pk)
    assert after.version == service_request.version + 1
    open_visits = StageVisit.objects.filter(request=service_request, left_at__isnull=True)
    assert open_visits.count() == (1 if after.is_live else 0)
    if after.is_live:
        assert open_visits.get().pk == after.current_visit_id
    assert StageVisit.objects.filter(request=service_request).count() - visits_before <= 1
    if messages is not None:
        assert Message.objects.count() - messages_before == messages


@pytest.mark.parametrize("surfaces", ["api and api", "page and api"])
def test_two_advances_at_once_from_the_api_and_the_page_move_one_stage(world, surfaces):
    service_request = _prepare(world, [])
    messages_before = Message.objects.count()
    one, two = world["officers"]
    first = (_api_post if surfaces == "api and api" else _page_post)(
        one, service_request, "advance", {}
    )
    results = _race(first, _api_post(two, service_request, "advance", {}))
    assert sorted(results) == ["done", "moved on"], results
    after = Request.objects.select_related("current_stage").get(pk=service_request.pk)
    assert after.current_stage.name == "Do the work"
    assert StageVisit.objects.filter(request=after, left_at__isnull=True).count() == 1
    assert Message.objects.count() - messages_before == 1


def test_two_advances_without_expected_state_still_keep_one_open_visit(world):
    """Callers that send no expected state (older API clients) queue on the row lock: each
    move leaves the visit the other one entered, so the stay history stays whole."""
    service_request = _prepare(world, [])
    one, two = world["officers"]
    results = _race(
        lambda: services.request_advance(actor=one, service_request=service_request) and "done",
        lambda: services.request_advance(actor=two, service_request=service_request) and "done",
    )
    assert results == ["done", "done"]
    after = Request.objects.select_related("current_stage").get(pk=service_request.pk)
    assert after.current_stage.name == "Check"
    open_visits = StageVisit.objects.filter(request=after, left_at__isnull=True)
    assert list(open_visits.values_list("pk", flat=True)) == [after.current_visit_id]

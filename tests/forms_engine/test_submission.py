"""Submitting: exactly once under a double submit, starting the request with the answers and
the right channel, linking to a citizen only when certain, and what rules can stop or route."""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from forms_engine import services
from forms_engine.models import Submission
from requests_tracking.models import Evidence, Request
from tests.factories import (
    CitizenFactory,
    ContactFactory,
    EmailAddressFactory,
    PhoneNumberFactory,
    ProcessFactory,
    ServiceAreaFactory,
)
from tests.factories.forms_engine import field, page, published_form, rule
from tests.forms_engine.helpers import PAGE_ANSWERS, PNG, fill_pages, fly_tipping_form
from timeline.models import Entry

SLUG = "report-fly-tipping"


@pytest.mark.django_db
def test_two_posts_of_the_same_draft_make_one_submission_and_one_request(client, reference_data):
    fly_tipping_form()
    fill_pages(client, SLUG)
    first = client.post(f"/forms/{SLUG}/check/")
    second = client.post(f"/forms/{SLUG}/check/")
    assert first["Location"] == second["Location"] == f"/forms/{SLUG}/done/"
    assert Submission.objects.filter(status="submitted").count() == 1
    assert Request.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_at_the_same_moment_creates_exactly_one_request(reference_data):
    fly_tipping_form()
    from django.test import Client

    client = Client()
    fill_pages(client, SLUG)
    draft = Submission.objects.get()
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            sent = services.submission_submit(actor=None, submission=draft)
            outcomes.append(sent.reference)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 2
    assert outcomes[0] == outcomes[1]
    assert Request.objects.count() == 1
    assert Submission.objects.get().request_id == Request.objects.get().pk


@pytest.mark.django_db
def test_submission_starts_the_request_with_answers_files_and_the_online_channel(
    client, reference_data
):
    fly_tipping_form()
    fill_pages(client, SLUG, pages=("location", "what"))
    client.post(f"/forms/{SLUG}/photo/", {"photos": SimpleUploadedFile("tip.png", PNG)})
    fill_pages(client, SLUG, pages=("your_details",))
    client.post(f"/forms/{SLUG}/check/")
    submission = Submission.objects.get()
    request = submission.request
    assert request.process.code == "fly-tipping"
    assert request.channel.code == "online_form"
    assert request.created_by is None
    assert f"Report fly-tipping – online form {submission.reference}" in request.description
    assert "Add photos: tip.png" in request.description
    evidence = Evidence.objects.get(request=request)
    assert evidence.original_name == "tip.png"
    assert evidence.from_citizen
    assert submission.keep_until is None  # kept with its request


@pytest.mark.django_db
def test_a_form_that_starts_no_process_is_kept_for_its_days(client, reference_data):
    fly_tipping_form(process=False, submission_retention_days=30)
    fill_pages(client, SLUG)
    client.post(f"/forms/{SLUG}/check/")
    submission = Submission.objects.get()
    assert submission.request is None
    assert 29 <= (submission.keep_until - submission.submitted_at).days <= 30
    assert "We have started request" not in client.get(f"/forms/{SLUG}/done/").text


@pytest.mark.django_db
def test_a_resident_is_linked_only_when_email_and_name_match_exactly_one_citizen(
    client, reference_data
):
    fly_tipping_form()
    pat = CitizenFactory(first_name="Pat", last_name="Resident")
    EmailAddressFactory(citizen=pat, email="pat@example.com")
    fill_pages(client, SLUG)
    client.post(f"/forms/{SLUG}/check/")
    submission = Submission.objects.get()
    assert submission.citizen == pat
    assert not submission.needs_citizen_link
    assert submission.request.citizen == pat
    kinds = set(Entry.objects.filter(citizen=pat).values_list("kind", flat=True))
    assert {"form_submitted", "request_created"} <= kinds
    entry = Entry.objects.get(citizen=pat, kind="form_submitted")
    assert entry.summary == (
        f"Report fly-tipping sent – {submission.reference} – started request "
        f"{submission.request.reference}"
    )
    assert entry.actor_type == "citizen"


@pytest.mark.django_db
def test_a_resident_whose_details_match_nobody_for_certain_is_listed_for_staff(
    client, reference_data, agent
):
    fly_tipping_form()
    someone = CitizenFactory(first_name="Sam", last_name="Other")
    EmailAddressFactory(citizen=someone, email="pat@example.com")  # same email, other name
    twin_a = CitizenFactory(first_name="Pat", last_name="Resident")
    twin_b = CitizenFactory(first_name="Pat", last_name="Resident")
    PhoneNumberFactory(citizen=twin_a, number="+447700900982", kind="mobile")
    PhoneNumberFactory(citizen=twin_b, number="+447700900982", kind="mobile")
    fill_pages(client, SLUG, pages=("location", "what", "photo"))
    client.post(
        f"/forms/{SLUG}/your_details/",
        {**PAGE_ANSWERS["your_details"], "mobile": "07700 900 982"},
    )
    client.post(f"/forms/{SLUG}/check/")
    submission = Submission.objects.get()
    assert submission.citizen is None
    assert submission.needs_citizen_link
    assert (submission.applicant_email, submission.applicant_phone) == (
        "pat@example.com",
        "+447700900982",
    )
    client.force_login(agent)
    listed = client.get("/portals/unlinked/")
    assert f">{submission.reference}</a>" in listed.text
    linked = client.post(
        f"/portals/submissions/{submission.pk}/link/", {"reference": twin_a.reference}
    )
    assert linked.status_code == 302
    submission.refresh_from_db()
    assert submission.citizen == twin_a
    assert not submission.needs_citizen_link
    assert Entry.objects.filter(citizen=twin_a, kind="form_submitted").exists()
    assert f">{submission.reference}</a>" not in client.get("/portals/unlinked/").text


@pytest.mark.django_db
def test_staff_filling_during_a_contact_keep_the_contacts_channel(agent, reference_data):
    form = fly_tipping_form()
    citizen = CitizenFactory()
    contact = ContactFactory(agent=agent, citizen=citizen)
    draft = services.submission_start(
        actor=agent, form=form, via=Submission.Via.STAFF, citizen=citizen, contact=contact
    )
    assert draft.channel == contact.channel
    assert draft.started_by == agent


def _simple(**extra):
    area = ServiceAreaFactory(name="Waste Management")
    ProcessFactory(code="general", service_area=area)
    other_area = ServiceAreaFactory(name="Environmental Health", slug="environmental-health")
    ProcessFactory(code="hazard", service_area=other_area)
    return published_form(
        slug="simple",
        service_area=area,
        process_code="general",
        pages=[
            page(
                "one",
                field("kind", "radios", options="a\nb\nc"),
                field("count", "number", required=False),
            )
        ],
        **extra,
    )


@pytest.mark.django_db
def test_rules_route_the_request_to_another_process_and_service_area(client, reference_data):
    _simple(
        rules=[
            rule(
                "hazard",
                [("kind", "equals", "b")],
                [
                    {"kind": "set_process", "value": "hazard"},
                    {"kind": "set_service_area", "value": "environmental-health"},
                ],
            )
        ]
    )
    client.post("/forms/simple/one/", {"kind": "b"})
    client.post("/forms/simple/check/")
    request = Request.objects.get()
    assert request.process.code == "hazard"
    assert request.service_area.slug == "environmental-health"
    assert Submission.objects.get().routing == {
        "process_code": "hazard",
        "service_area": "environmental-health",
    }


@pytest.mark.django_db
def test_a_blocking_rule_stops_submission_with_its_message(client, reference_data):
    _simple(
        rules=[
            rule(
                "too many",
                [("count", "gt", "10")],
                [
                    {
                        "kind": "block",
                        "message": "We can collect at most 10 items. Call us for more.",
                    }
                ],
            )
        ]
    )
    client.post("/forms/simple/one/", {"kind": "a", "count": "11"})
    check = client.get("/forms/simple/check/")
    assert "We can collect at most 10 items. Call us for more." in check.text
    assert "Accept and send" not in check.text
    refused = client.post("/forms/simple/check/")
    assert refused.status_code == 422
    assert not Request.objects.exists()
    assert Submission.objects.get().status == "draft"


@pytest.mark.django_db
def test_an_exit_page_ends_the_form_with_its_message(client, reference_data):
    _simple(
        rules=[
            rule(
                "abroad",
                [("kind", "equals", "c")],
                [
                    {
                        "kind": "exit",
                        "message": "You cannot apply online because you live outside the borough.",
                    }
                ],
            )
        ]
    )
    response = client.post("/forms/simple/one/", {"kind": "c"})
    assert response["Location"] == "/forms/simple/cannot-continue/"
    page_ = client.get(response["Location"])
    assert "You cannot apply online because you live outside the borough." in page_.text
    assert client.get("/forms/simple/check/")["Location"] == "/forms/simple/cannot-continue/"
    assert client.post("/forms/simple/check/")["Location"] == "/forms/simple/cannot-continue/"
    assert not Request.objects.exists()

"""The API (three endpoints in the schema), the CSV export, the completion funnel and the
retention job."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from forms_engine import services
from forms_engine.models import Submission, SubmissionFile
from forms_engine.selectors import form_funnel
from tests.factories import CitizenFactory
from tests.factories.forms_engine import field, page, published_form
from tests.forms_engine.helpers import fill_pages, fly_tipping_form

pytestmark = pytest.mark.django_db
SLUG = "report-fly-tipping"


def _sent(client):
    fill_pages(client, SLUG)
    client.post(f"/forms/{SLUG}/check/")
    return Submission.objects.get(status="submitted")


def test_api_lists_published_forms_with_their_fields(agent_client, reference_data):
    fly_tipping_form()
    published_form(slug="unpublished", pages=[page("one", field("x"))], publish=False)
    data = agent_client.get("/api/v1/forms/").json()
    assert [f["slug"] for f in data["results"]] == [SLUG]
    form = data["results"][0]
    assert form["version"] == 1
    assert form["process_code"] == "fly-tipping"
    assert form["public_url"] == "http://testserver/forms/report-fly-tipping/"
    assert [p["key"] for p in form["pages"]] == ["location", "what", "photo", "your_details"]
    hazardous = next(f for f in form["fields"] if f["key"] == "hazardous")
    assert hazardous["options"] == [
        {"value": "yes", "label": "Yes"},
        {"value": "no", "label": "No"},
    ]


def test_api_citizen_forms_and_submission(client, agent_client, reference_data):
    fly_tipping_form()
    sent = _sent(client)
    citizen = CitizenFactory()
    Submission.objects.filter(pk=sent.pk).update(citizen=citizen)
    listed = agent_client.get(f"/api/v1/citizens/{citizen.pk}/forms/").json()
    assert [(s["reference"], s["status"], s["request"]) for s in listed["results"]] == [
        (sent.reference, "submitted", sent.request.reference)
    ]
    detail = agent_client.get(f"/api/v1/submissions/{sent.pk}/").json()
    answers = {a["key"]: a for a in detail["answers"]}
    assert answers["amount"]["value"] == "van"
    assert answers["amount"]["display"] == "A van load"
    assert answers["location"]["value"]["postcode"] == "SW1A 1AA"
    assert detail["tracking_url"].startswith("http://127.0.0.1:8000/track/")
    assert agent_client.get("/api/v1/submissions/999999/").status_code == 404


def test_api_needs_the_forms_permission(client, reference_data):
    from tests.factories import StaffFactory

    nobody = StaffFactory(username="no-role")
    client.force_login(nobody)
    assert client.get("/api/v1/forms/").status_code == 403
    assert client.get("/api/v1/submissions/1/").status_code == 403
    client.logout()
    assert client.get("/api/v1/forms/").status_code == 401


def test_api_endpoints_are_in_the_schema(agent_client):
    schema = agent_client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("/api/v1/forms/", "/api/v1/citizens/{id}/forms/", "/api/v1/submissions/{id}/"):
        assert "get" in schema["paths"][path]


def test_csv_export_has_one_column_per_field_and_is_safe_in_spreadsheets(
    client, team_leader_client, reference_data
):
    form = fly_tipping_form()
    fill_pages(client, SLUG, pages=("location",))
    client.post(
        f"/forms/{SLUG}/what/",
        {"amount": "van", "hazardous": "yes", "hazard_detail": '=HYPERLINK("http://x")'},
    )
    fill_pages(client, SLUG, pages=("photo", "your_details"))
    client.post(f"/forms/{SLUG}/check/")
    response = team_leader_client.get(f"/portals/forms/{SLUG}/submissions/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header, row = rows[0], rows[1]
    assert header[:8] == [
        "Reference",
        "Status",
        "Version",
        "Started",
        "Submitted",
        "Filled in by",
        "Citizen reference",
        "Request reference",
    ]
    assert header[8:] == [
        "Nearest address [location]",
        "Describe the exact spot [spot]",
        "How much is there? [amount]",
        "Is it hazardous? [hazardous]",
        "What is hazardous about it? [hazard_detail]",
        "Add photos [photos]",
        "Your name [full_name]",
        "Email address [email]",
        "Mobile number [mobile]",
    ]
    values = dict(zip(header, row, strict=True))
    assert values["What is hazardous about it? [hazard_detail]"] == '\'=HYPERLINK("http://x")'
    assert values["How much is there? [amount]"] == "A van load"
    assert values["Nearest address [location]"] == "12 Mill Lane, SW1A 1AA"
    assert values["Version"] == "1"
    assert values["Status"] == "Submitted"
    assert form.current_version.number == 1


def test_csv_export_needs_the_export_permission(agent_client, reference_data):
    fly_tipping_form()
    assert agent_client.get(f"/portals/forms/{SLUG}/submissions/?format=csv").status_code == 403


def test_funnel_counts_started_submitted_and_where_drafts_stop(client, reference_data):
    from django.test import Client

    form = fly_tipping_form()
    _sent(client)
    stopped_at_what = Client()
    fill_pages(stopped_at_what, SLUG, pages=("location",))
    stopped_at_photo = Client()
    fill_pages(stopped_at_photo, SLUG, pages=("location", "what"))
    another_at_photo = Client()
    fill_pages(another_at_photo, SLUG, pages=("location", "what"))
    funnel = form_funnel(form=form)
    assert (funnel.started, funnel.submitted, funnel.in_progress) == (4, 1, 3)
    assert funnel.completion_rate == 0.25
    assert funnel.stops == [
        ("Where is it?", 0),
        ("What has been dumped?", 1),
        ("Photos", 2),
        ("Your details", 0),
    ]


def test_the_funnel_page_shows_the_figures(client, team_leader_client, reference_data):
    fly_tipping_form()
    _sent(client)
    page_ = team_leader_client.get(f"/portals/forms/{SLUG}/submissions/")
    assert page_.status_code == 200
    assert "100%" in page_.text


def test_retention_deletes_expired_drafts_and_their_files_and_keeps_the_rest(reference_data):
    form = fly_tipping_form(process=False, submission_retention_days=10)
    now = timezone.now()

    def make(status, **fields):
        s = Submission.objects.create(
            form=form, version=form.current_version, status=status, **fields
        )
        f = SubmissionFile(
            submission=s,
            field_key="photos",
            stored_name=f"{s.pk}.png",
            original_name="a.png",
            content_type="image/png",
            size=3,
        )
        f.file.save(f.stored_name, ContentFile(b"abc"), save=True)
        return s, f

    old_draft, old_file = make("draft", expires_at=now - timedelta(days=1))
    live_draft, _ = make("draft", expires_at=now + timedelta(days=1))
    old_sent, _ = make("submitted", keep_until=now - timedelta(days=1))
    kept_sent, _ = make("submitted", keep_until=now + timedelta(days=1))
    path = old_file.file.path
    counts = services.submissions_retention_sweep(now=now)
    assert counts == {"drafts": 1, "submissions": 1, "files": 2}
    assert set(Submission.objects.values_list("pk", flat=True)) == {live_draft.pk, kept_sent.pk}
    import os

    assert not os.path.exists(path)
    assert SubmissionFile.objects.count() == 2


def test_retention_keeps_submissions_that_started_a_request(client, reference_data):
    fly_tipping_form()
    sent = _sent(client)
    services.submissions_retention_sweep(now=timezone.now() + timedelta(days=4000))
    assert Submission.objects.filter(pk=sent.pk).exists()


def test_the_retention_job_is_scheduled_daily(settings):
    job = settings.CELERY_BEAT_SCHEDULE["forms-retention-sweep"]
    assert job == {"task": "forms_engine.tasks.retention_sweep", "schedule": 86400.0}


def test_the_submissions_list_filters_on_the_date_it_shows(team_leader_client, reference_data):
    """The dates filter "last saved or sent" — the column shown and sorted by — not when the
    form was started."""
    form = fly_tipping_form()
    version = form.current_version
    now = timezone.now()
    old_start_recent_send = Submission.objects.create(
        form=form, version=version, status="submitted", reference="FRM-2026-900001"
    )
    recent_start_old_send = Submission.objects.create(
        form=form, version=version, status="submitted", reference="FRM-2026-900002"
    )
    Submission.objects.filter(pk=old_start_recent_send.pk).update(
        started_at=now - timedelta(days=40),
        submitted_at=now - timedelta(days=1),
        last_saved_at=now - timedelta(days=1),
    )
    Submission.objects.filter(pk=recent_start_old_send.pk).update(
        started_at=now - timedelta(days=2),
        submitted_at=now - timedelta(days=20),
        last_saved_at=now - timedelta(days=20),
    )
    since = (now - timedelta(days=5)).date()
    listed = team_leader_client.get(
        f"/portals/forms/{SLUG}/submissions/",
        {"status": "submitted", "date_from": since.strftime("%Y-%m-%d")},
    )
    assert listed.status_code == 200
    assert "Last saved or sent from" in listed.text
    assert ">FRM-2026-900001</a>" in listed.text
    assert ">FRM-2026-900002</a>" not in listed.text

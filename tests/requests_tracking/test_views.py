import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from audit.models import AuditEvent
from requests_tracking import services
from requests_tracking.models import Evidence, Request
from requests_tracking.public_links import tracking_url
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def url(name, *args):
    return reverse(f"requests_tracking:{name}", args=args)


def test_list_shows_requests_and_filters_by_status(officer_client, raise_request, officer):
    open_one = raise_request()
    done = raise_request()
    services.request_resolve(actor=officer, service_request=done, resolution="done")
    response = officer_client.get(url("list"), {"status": "resolved"})
    assert response.status_code == 200
    assert done.reference in response.text
    assert open_one.reference not in response.text
    assert AuditEvent.objects.filter(action="search", actor=officer).exists()


def test_list_htmx_returns_only_the_results(officer_client, raise_request):
    raise_request()
    response = officer_client.get(url("list"), {"sla_state": "on_track"}, HTTP_HX_REQUEST="true")
    assert 'id="results"' in response.text
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_list_filter_errors_do_not_crash(officer_client):
    response = officer_client.get(url("list"), {"created_from": "31/02/2026", "process": "x"})
    assert response.status_code == 200


def test_agent_raises_a_request_linked_to_the_open_contact(agent_client, agent, process, citizen):
    contact = ContactFactory(agent=agent, citizen=citizen)
    response = agent_client.post(
        url("create") + f"?citizen={citizen.pk}",
        {
            "process": process.pk,
            "description": "Old sofa",
            "address_line_1": "1 High Street",
            "postcode": "sw1a1aa",
        },
    )
    request = Request.objects.get()
    assert response.status_code == 302
    assert response["Location"] == citizen.get_absolute_url()  # back to the caller
    record = agent_client.get(response["Location"]).content.decode()
    assert f"Request {request.reference}" in record
    assert tracking_url(request) in record
    assert request.citizen == citizen
    assert request.originating_contact == contact
    assert request.postcode == "SW1A 1AA"
    assert list(contact.requests.all()) == [request]


def test_create_form_says_what_is_wrong(agent_client, citizen):
    response = agent_client.post(
        url("create") + f"?citizen={citizen.pk}",
        {
            "process": "",
            "description": "",
            "postcode": "NOT A POSTCODE",
            "latitude": "north",
            "longitude": "west",
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "There is a problem" in text
    assert "Choose what the request is about." in text
    assert "Describe the request." in text
    assert "Enter a real UK postcode" in text
    assert "Enter the coordinates as numbers" in text
    assert Request.objects.count() == 0


def test_detail_page_shows_stages_and_is_audited(officer_client, raise_request, officer):
    request = raise_request()
    response = officer_client.get(request.get_absolute_url())
    assert response.status_code == 200
    assert "Move to next stage" in response.text
    assert "Assess" in response.text
    assert "Do the work" in response.text
    assert AuditEvent.objects.filter(action="view", object_id=str(request.pk)).exists()


def test_agent_can_view_but_not_work_a_request(agent_client, raise_request):
    request = raise_request()
    response = agent_client.get(request.get_absolute_url())
    assert "Move to next stage" not in response.text
    response = agent_client.post(url("action", request.pk, "advance"))
    assert response.status_code == 403


def test_officer_of_another_service_area_cannot_work_it(officer_client, officer, raise_request):
    from tests.factories import ServiceAreaFactory

    officer.service_areas.set([ServiceAreaFactory()])  # not the request's area
    request = raise_request()
    assert officer_client.post(url("action", request.pk, "advance")).status_code == 403


def test_officer_moves_request_through_its_stages(officer_client, raise_request):
    request = raise_request()
    officer_client.post(url("action", request.pk, "advance"))
    officer_client.post(url("action", request.pk, "advance"))
    response = officer_client.post(url("action", request.pk, "advance"), follow=True)
    assert "This is the last stage. Resolve the request instead." in response.text
    officer_client.post(url("action", request.pk, "resolve"), {"resolve-resolution": "Done"})
    request.refresh_from_db()
    assert request.status == Request.Status.RESOLVED
    assert request.visits.count() == 3


def test_action_form_errors_are_shown_in_plain_words(officer_client, raise_request):
    request = raise_request()
    response = officer_client.post(url("action", request.pk, "cancel"), {"cancel-reason": ""})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter the reason." in response.text
    request.refresh_from_db()
    assert request.status == Request.Status.OPEN


def test_agent_records_citizen_reply(agent_client, raise_request, officer):
    request = raise_request()
    services.request_information_request(actor=officer, service_request=request, question="Photo?")
    agent_client.post(url("action", request.pk, "citizen_reply"), {"citizen_reply-text": "Sent"})
    request.refresh_from_db()
    assert request.status == Request.Status.OPEN


def test_unknown_action_is_404(officer_client, raise_request):
    assert officer_client.post(url("action", raise_request().pk, "explode")).status_code == 404


def test_note_can_be_internal_or_visible(officer_client, raise_request):
    request = raise_request()
    officer_client.post(url("note", request.pk), {"text": "Internal only"})
    officer_client.post(url("note", request.pk), {"text": "For you", "visible_to_citizen": "on"})
    assert sorted(request.notes.values_list("text", "visible_to_citizen")) == [
        ("For you", True),
        ("Internal only", False),
    ]
    response = officer_client.post(url("note", request.pk), {"text": "  "})
    assert "Enter the note." in response.text


# --- Evidence -----------------------------------------------------------------------------


def upload(client, request, name, content, content_type="application/pdf"):
    return client.post(
        url("evidence_upload", request.pk),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
    )


def test_evidence_upload_is_stored_privately_under_a_generated_name(
    officer_client, raise_request, tmp_path
):
    request = raise_request()
    response = upload(officer_client, request, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "passwd.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.file.name.startswith(f"evidence/{request.pk}/")
    assert ".." not in evidence.file.name
    assert "passwd" not in evidence.file.name
    assert (tmp_path / evidence.file.name).read_bytes() == PDF


def test_program_renamed_to_pdf_is_refused(officer_client, raise_request):
    response = upload(officer_client, raise_request(), "invoice.pdf", EXE)
    assert response.status_code == 200
    assert "The file must be a PDF, JPG, PNG" in response.text
    assert "it looks like a EXE file" in response.text
    assert Evidence.objects.count() == 0


def test_text_file_renamed_to_pdf_is_refused(officer_client, raise_request):
    response = upload(officer_client, raise_request(), "notes.pdf", b"just some text")
    assert "The file must be a PDF" in response.text
    assert Evidence.objects.count() == 0


def test_oversized_file_is_refused(officer_client, raise_request, settings):
    settings.MAX_UPLOAD_MB = 1
    response = upload(officer_client, raise_request(), "big.pdf", PDF + b"0" * (1024 * 1024))
    assert "The file must be smaller than 1 MB." in response.text
    assert Evidence.objects.count() == 0


def test_image_named_pdf_is_stored_as_what_it_is(officer_client, raise_request):
    upload(officer_client, raise_request(), "photo.pdf", PNG)
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png"
    assert evidence.file.name.endswith(".png")


def test_evidence_download_checks_permission_and_is_audited(client, officer_client, raise_request):
    request = raise_request()
    upload(officer_client, request, "report.pdf", PDF)
    evidence = Evidence.objects.get()
    download = url("evidence_download", request.pk, evidence.pk)
    response = officer_client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="download").exists()
    client.logout()
    signed_out = client.get(download)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role_client", [Role.AGENT, Role.SERVICE_OFFICER], indirect=True)
def test_staff_with_evidence_permission_can_download(role_client, raise_request):
    request = raise_request()
    # raise_request's officer fixture may re-save the same user: sign in again.
    role_client.force_login(type(role_client.user).objects.get(pk=role_client.user.pk))
    upload(role_client, request, "report.pdf", PDF)
    evidence = Evidence.objects.get()
    assert role_client.get(url("evidence_download", request.pk, evidence.pk)).status_code == 200


def test_staff_without_evidence_permission_are_refused(officer_client, raise_request):
    from tests.factories import StaffFactory

    request = raise_request()
    upload(officer_client, request, "report.pdf", PDF)
    evidence = Evidence.objects.get()
    officer_client.force_login(StaffFactory(username="no-role"))
    response = officer_client.get(url("evidence_download", request.pk, evidence.pk))
    assert response.status_code == 403


def test_evidence_of_another_request_is_not_found(officer_client, raise_request):
    first, second = raise_request(), raise_request()
    upload(officer_client, first, "report.pdf", PDF)
    evidence = Evidence.objects.get()
    assert officer_client.get(url("evidence_download", second.pk, evidence.pk)).status_code == 404


def test_citizen_record_shows_requests_panel(agent_client, raise_request, citizen):
    request = raise_request()
    response = agent_client.get(citizen.get_absolute_url())
    assert response.status_code == 200
    assert request.reference in response.text
    assert "Raise a request" in response.text


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_detail_queries_do_not_grow_with_data(officer_client, raise_request, officer):
    first = raise_request()
    services.request_note_add(
        actor=officer, service_request=first, text="One", visible_to_citizen=False
    )
    # An officer with service areas is sent on to their own list; ask for every request.
    list_url = reverse("requests_tracking:list") + "?sort=newest"
    detail_url = first.get_absolute_url()
    # Warm the session, permission and reference-list caches (the assign form's teams and
    # officers are kept per process).
    _queries(officer_client, list_url)
    _queries(officer_client, detail_url)
    few = (_queries(officer_client, list_url), _queries(officer_client, detail_url))
    for n in range(12):
        services.request_note_add(
            actor=officer, service_request=first, text=f"Note {n}", visible_to_citizen=n % 2 == 0
        )
        raise_request()
    first = services.request_advance(actor=officer, service_request=first)
    assert (_queries(officer_client, list_url), _queries(officer_client, detail_url)) == few


def _assign_options(html):
    import re

    select = re.search(r'<select[^>]*name="assigned_to".*?</select>', html, re.S)
    return select[0] if select else ""


def test_assign_form_officers_are_kept_but_read_again_after_staff_changes(
    officer_client, team_leader, raise_request
):
    url = raise_request().get_absolute_url()
    assert str(team_leader) in _assign_options(officer_client.get(url).text)
    team_leader.first_name = "Renamed"
    team_leader.save()
    assert "Renamed" in _assign_options(officer_client.get(url).text)
    team_leader.is_active = False
    team_leader.save()
    assert "Renamed" not in _assign_options(officer_client.get(url).text)


def test_signing_in_does_not_forget_the_kept_lists(officer_client, officer, raise_request):
    from core import refcache

    officer_client.get(raise_request().get_absolute_url())
    kept = set(refcache._held)
    assert any(key[0] == "officers" for key in kept)
    officer.save(update_fields=["last_login"])  # what signing in saves
    assert set(refcache._held) == kept
    officer.save()
    assert not refcache._held


def test_request_page_links_its_contact_and_its_duplicates(
    officer_client, officer, raise_request, citizen
):
    from tests.factories import CitizenFactory, ContactFactory

    contact = ContactFactory(citizen=citizen, agent=officer)
    original = raise_request(originating_contact=contact, description="Mattress at the gate")
    duplicate = raise_request(
        citizen=CitizenFactory(first_name="Rob", last_name="Reporter"),
        description="Mattress left at the gates",
    )
    services.request_duplicate_mark(actor=officer, duplicate=duplicate, original=original)
    page = officer_client.get(original.get_absolute_url()).text
    contact_url = reverse("contacts:detail", kwargs={"pk": contact.pk})
    assert f'<a class="govuk-link" href="{contact_url}">during a contact</a>' in page
    assert (
        f'<a class="govuk-link" href="{duplicate.get_absolute_url()}">{duplicate.reference}</a>'
        in page
    )
    assert "during a contact" not in officer_client.get(duplicate.get_absolute_url()).text


def test_request_list_shows_process_and_stage_renamed_since_the_last_page(
    officer_client, raise_request, process
):
    from organisation.models import ServiceArea

    first = raise_request()
    url = reverse("requests_tracking:list") + "?sort=newest"
    page = officer_client.get(url).text
    assert process.name in page
    assert first.current_stage.name in page
    process.name = "Renamed process"
    process.save()
    stage = first.current_stage
    stage.name = "Renamed stage"
    stage.save()
    ServiceArea.objects.create(name="Brand new area")
    page = officer_client.get(url).text
    assert "Renamed process" in page
    assert "Renamed stage" in page
    assert ">Brand new area</option>" in page  # the filter's service areas

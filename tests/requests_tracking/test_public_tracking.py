from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from requests_tracking import services
from requests_tracking.models import Evidence, Request, RequestFollowerEmail, RequestNote
from requests_tracking.public_links import request_pk_from_token, tracking_path, tracking_token
from requests_tracking.services.actions import message_audiences, message_context
from tests.factories import CitizenFactory, EmailAddressFactory

pytestmark = pytest.mark.django_db

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


@pytest.fixture
def public():
    """A browser with no staff session, like a citizen's."""
    return Client()


def _csrf_post(client, path, data):
    """Post like a real browser: fetch the page for the CSRF cookie and token first."""
    page = client.get(path.split("reply/")[0].split("follow/")[0])
    token = page.context["csrf_token"]
    return client.post(path, {**data, "csrfmiddlewaretoken": str(token)})


@pytest.fixture
def waiting(raise_request, officer):
    request = raise_request()
    services.request_note_add(
        actor=officer,
        service_request=request,
        text="Crew lead says the drive is blocked",
        visible_to_citizen=False,
    )
    services.request_note_add(
        actor=officer,
        service_request=request,
        text="We have booked your collection",
        visible_to_citizen=True,
    )
    services.request_information_request(
        actor=officer, service_request=request, question="Which items do you want collected?"
    )
    request.refresh_from_db()
    return request


def test_valid_link_shows_the_page_without_internal_notes_or_staff_names(
    public, waiting, officer, process
):
    stage = process.stages.get(order=1)
    stage.citizen_description = "We check what you want collected."
    stage.save()
    response = public.get(tracking_path(waiting))
    assert response.status_code == 200
    text = response.text
    assert waiting.reference in text
    assert "Sofa and fridge to collect" in text
    assert "We check what you want collected." in text
    assert "Usually takes up to" in text
    assert "We have booked your collection" in text
    assert "Which items do you want collected?" in text
    assert "Crew lead says the drive is blocked" not in text
    assert officer.get_full_name() not in text
    assert officer.username not in text
    assert "jane@example.com" not in text  # the citizen's details are not on the page
    assert 'name="csrfmiddlewaretoken"' in text
    # The link stays off other sites, but same-origin posts keep their Origin for CSRF checks.
    assert '<meta name="referrer" content="same-origin">' in text
    assert "Primary navigation" not in text  # no staff navigation or contact bar
    assert response["Cache-Control"].startswith("max-age=0")


def test_page_shows_due_date_and_estimate(public, raise_request):
    request = raise_request(now=timezone.now())
    request.refresh_from_db()
    response = public.get(tracking_path(request))
    assert f"{timezone.localtime(request.due_at):%-d %B %Y}" in response.text
    assert 'data-testid="estimate"' in response.text


def test_the_link_is_a_signed_token_not_the_id(waiting):
    token = tracking_token(waiting)
    assert token != str(waiting.pk)
    assert f"/track/{waiting.pk}/" not in tracking_path(waiting)
    assert request_pk_from_token(token) == waiting.pk


@pytest.mark.parametrize(
    "token",
    ["tampered", "1", "MQ:1abc:xyz", "W10:not-a-signature", "%2e%2e"],
)
def test_unknown_or_tampered_token_is_a_plain_404(public, waiting, token):
    response = public.get(reverse("public:track", kwargs={"token": token}))
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert waiting.reference not in response.text


def test_altered_signature_or_other_salt_is_refused(public, waiting):
    from django.core import signing

    token = tracking_token(waiting)
    forged = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert public.get(f"/track/{forged}/").status_code == 404
    other_salt = signing.Signer().sign_object(waiting.pk)  # signed, but not for tracking links
    assert public.get(f"/track/{other_salt}/").status_code == 404
    other_request = signing.Signer(salt="requests_tracking.public.track").sign_object(
        waiting.pk + 1
    )
    assert public.get(f"/track/{other_request}/").status_code == 404  # no such request


def test_link_to_a_deleted_request_is_a_404(public, waiting):
    path = tracking_path(waiting)
    Request.objects.filter(pk=waiting.pk).delete()
    assert public.get(path).status_code == 404


def test_posting_with_a_tampered_token_is_a_404(public, waiting):
    response = public.post("/track/nope/reply/", {"text": "hi"})
    assert response.status_code == 404
    assert not RequestNote.objects.filter(kind=RequestNote.Kind.CITIZEN_REPLY).exists()


def test_no_staff_sign_in_is_needed(public, waiting):
    response = public.get(tracking_path(waiting))
    assert response.status_code == 200
    assert "/accounts/login" not in response.get("Location", "")


def test_reply_stores_the_citizens_answer_and_restarts_the_clock(public, waiting):
    # Asked a week ago (several working days): the stopped clock moves the due date on.
    Request.objects.filter(pk=waiting.pk).update(waiting_since=timezone.now() - timedelta(days=7))
    due_before = waiting.current_visit.due_at
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    browser = Client(enforce_csrf_checks=True)
    response = _csrf_post(browser, path, {"text": "  A sofa and a fridge  "})
    assert response.status_code == 302
    assert response["Location"].startswith(tracking_path(waiting))
    reply = RequestNote.objects.get(request=waiting, kind=RequestNote.Kind.CITIZEN_REPLY)
    assert reply.text == "A sofa and a fridge"
    assert reply.author is None
    assert reply.from_citizen
    assert reply.visible_to_citizen
    waiting.refresh_from_db()
    assert waiting.status == Request.Status.OPEN
    assert waiting.waiting_since is None
    waiting.current_visit.refresh_from_db()
    assert waiting.current_visit.paused_seconds > 0
    assert waiting.current_visit.due_at > due_before
    page = browser.get(response["Location"])
    assert "We have your answer" in page.text
    assert "Answer our question" not in page.text


def test_reply_with_a_photo_stores_it_as_the_citizens_evidence(public, waiting):
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    photo = SimpleUploadedFile("sofa.png", PNG, content_type="image/png")
    response = public.post(path, {"text": "Here is a photo", "file": photo})
    assert response.status_code == 302
    evidence = Evidence.objects.get(request=waiting)
    assert evidence.from_citizen
    assert evidence.visible_to_citizen
    assert evidence.uploaded_by is None
    assert evidence.content_type == "image/png"
    assert "sofa.png" in public.get(tracking_path(waiting)).text


def test_upload_refuses_a_renamed_executable_and_keeps_the_answer(public, waiting):
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    program = SimpleUploadedFile("photo.png", EXE, content_type="image/png")
    response = public.post(path, {"text": "My answer", "file": program})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "The file must be a PDF" in response.text
    assert "My answer" in response.text  # nothing typed is lost
    assert not Evidence.objects.exists()
    assert not RequestNote.objects.filter(kind=RequestNote.Kind.CITIZEN_REPLY).exists()
    waiting.refresh_from_db()
    assert waiting.status == Request.Status.WAITING


def test_upload_refuses_an_oversized_file(public, waiting, settings):
    settings.MAX_UPLOAD_MB = 0
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    photo = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    response = public.post(path, {"text": "Answer", "file": photo})
    assert "The file must be smaller than" in response.text
    assert not Evidence.objects.exists()


def test_empty_reply_says_what_is_wrong(public, waiting):
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    response = public.post(path, {"text": "   "})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Enter your answer." in response.text
    assert "<title>Error:" in response.text


def test_reply_when_no_longer_waiting_keeps_the_words_and_explains(public, waiting):
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    services.request_citizen_reply(service_request=waiting, text="Answered by phone")
    response = public.post(path, {"text": "Answer from an old tab"})
    assert response.status_code == 409
    assert "Answer from an old tab" in response.text
    assert "not waiting for an answer" in response.text


def test_reply_without_csrf_token_is_refused(waiting):
    client = Client(enforce_csrf_checks=True)
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    assert client.post(path, {"text": "hello"}).status_code == 403
    assert not RequestNote.objects.filter(kind=RequestNote.Kind.CITIZEN_REPLY).exists()


def test_follow_with_csrf_token_from_the_page_works(waiting):
    path = reverse("public:track_follow", kwargs={"token": tracking_token(waiting)})
    response = _csrf_post(Client(enforce_csrf_checks=True), path, {"email": "a@example.com"})
    assert response.status_code == 302


def test_follow_by_email_and_the_follower_is_told_of_progress(public, waiting, officer):
    from notifications.models import Message

    path = reverse("public:track_follow", kwargs={"token": tracking_token(waiting)})
    response = public.post(path, {"email": "neighbour@example.com"})
    assert response.status_code == 302
    public.post(path, {"email": "Neighbour@example.com"})  # twice changes nothing
    assert list(RequestFollowerEmail.objects.values_list("email", flat=True)) == [
        "neighbour@example.com"
    ]
    banner = public.get(response["Location"]).text
    assert "We have sent an email to neighbour@example.com" in banner
    assert (
        len(message_audiences([waiting])[waiting.pk]) == 1
    )  # not told anything before confirming
    first = Message.objects.get(recipient="neighbour@example.com")
    confirm_path = first.body.split("http://127.0.0.1:8000")[1].split()[0]
    public.post(confirm_path)
    audience = message_audiences([waiting])[waiting.pk]
    assert [r.emails for r in audience] == [("jane@example.com",), ("neighbour@example.com",)]
    assert audience[1].address("preferred") == ("email", "neighbour@example.com")


def test_follower_email_already_on_the_citizen_is_not_told_twice(waiting, follow_by_email):
    follow_by_email(waiting, "JANE@example.com")
    assert len(message_audiences([waiting])[waiting.pk]) == 1


def test_follow_by_email_validates_the_address(public, waiting):
    path = reverse("public:track_follow", kwargs={"token": tracking_token(waiting)})
    response = public.post(path, {"email": "not an email"})
    assert response.status_code == 200
    assert "Enter an email address in the correct format" in response.text
    assert "govuk-error-summary" in response.text
    response = public.post(path, {"email": ""})
    assert "Enter your email address." in response.text
    assert not RequestFollowerEmail.objects.exists()


def test_anonymous_report_has_a_page_and_can_be_followed(public, raise_request):
    request = raise_request(citizen=None)
    assert public.get(tracking_path(request)).status_code == 200
    path = reverse("public:track_follow", kwargs={"token": tracking_token(request)})
    public.post(path, {"email": "reporter@example.com"})
    services.follower_email_confirm(follower_id=RequestFollowerEmail.objects.get().pk)
    audience = message_audiences([request])[request.pk]
    assert [r.emails for r in audience] == [("reporter@example.com",)]


def test_message_templates_get_the_absolute_tracking_url(waiting, settings):
    settings.PUBLIC_BASE_URL = "https://report.example.gov.uk/"
    url = message_context(waiting)["tracking_url"]
    assert url == "https://report.example.gov.uk" + tracking_path(waiting)


def test_information_request_message_carries_the_link(raise_request, officer, settings):
    from notifications.models import Message

    settings.PUBLIC_BASE_URL = "https://report.example.gov.uk"
    request = raise_request()
    services.request_information_request(actor=officer, service_request=request, question="Photo?")
    message = Message.objects.get(idempotency_key__contains=":question:")
    assert "https://report.example.gov.uk" + tracking_path(request) in message.body


def test_staff_request_page_shows_the_link(officer_client, waiting):
    response = officer_client.get(reverse("requests_tracking:detail", args=[waiting.pk]))
    assert "Citizen's tracking link" in response.text
    assert tracking_path(waiting) in response.text


def test_staff_page_shows_the_citizens_reply_from_the_tracking_page(
    officer_client, public, waiting
):
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    public.post(path, {"text": "Just the sofa"})
    response = officer_client.get(reverse("requests_tracking:detail", args=[waiting.pk]))
    assert "Just the sofa" in response.text
    assert "by the citizen" in response.text


def test_page_views_are_audited_without_a_staff_actor(public, waiting):
    from audit.models import AuditEvent

    public.get(tracking_path(waiting))
    event = AuditEvent.objects.filter(action="view", object_id=str(waiting.pk)).latest("id")
    assert event.actor is None
    assert event.detail == {"via": "tracking link"}


def test_other_citizens_following_are_not_shown(public, waiting, follow_by_email):
    other = CitizenFactory(first_name="Nosy", last_name="Neighbour")
    EmailAddressFactory(citizen=other, email="nosy@example.com")
    services.follower_citizen_add(actor=None, service_request=waiting, citizen=other)
    follow_by_email(waiting, "friend@example.com")
    mail.outbox.clear()
    text = public.get(tracking_path(waiting)).text
    assert "Nosy" not in text
    assert "nosy@example.com" not in text
    assert "friend@example.com" not in text
    assert not mail.outbox


def test_followers_are_not_greeted_by_the_reporters_name(raise_request, officer, follow_by_email):
    from notifications.models import Message

    request = raise_request()
    follow_by_email(request, "neighbour@example.com")
    services.request_resolve(actor=officer, service_request=request, resolution="Collected")
    services.request_close(actor=None, service_request=request, automatic=True)
    to_reporter = Message.objects.get(recipient="jane@example.com", event="Closed automatically")
    to_follower = Message.objects.get(
        recipient="neighbour@example.com", event="Closed automatically"
    )
    assert "Dear Jane Resident" in to_reporter.body
    assert "Jane" not in to_follower.body
    assert "Dear resident" in to_follower.body


def test_follower_emails_are_capped_per_request(waiting):
    from django.core.exceptions import ValidationError

    for n in range(services.FOLLOWER_EMAILS_MAX):
        services.follower_email_add(service_request=waiting, email=f"f{n}@example.com")
    services.follower_email_add(service_request=waiting, email="f0@example.com")  # no change
    with pytest.raises(ValidationError, match="cannot take more"):
        services.follower_email_add(service_request=waiting, email="one-too-many@example.com")


def test_follow_form_says_when_the_cap_is_reached(public, waiting, monkeypatch):
    from requests_tracking.services import followers

    monkeypatch.setattr(followers, "FOLLOWER_EMAILS_MAX", 1)
    path = reverse("public:track_follow", kwargs={"token": tracking_token(waiting)})
    public.post(path, {"email": "first@example.com"})
    response = public.post(path, {"email": "second@example.com"})
    assert response.status_code == 200
    assert "cannot take more email addresses" in response.text
    assert RequestFollowerEmail.objects.count() == 1


def test_the_link_is_the_same_in_every_message(waiting):
    assert tracking_token(waiting) == tracking_token(Request.objects.get(pk=waiting.pk))


def test_page_reads_a_fixed_number_of_queries(
    public, waiting, officer, django_assert_max_num_queries
):
    for n in range(5):
        services.request_note_add(
            actor=officer, service_request=waiting, text=f"Update {n}", visible_to_citizen=True
        )
    with django_assert_max_num_queries(8):  # 7 today: request, stages, notes, visits, files, audit
        assert public.get(tracking_path(waiting)).status_code == 200


def test_png_with_html_named_like_a_path_downloads_and_exports_under_a_png_name(
    public, waiting, administrator
):
    """A PNG with HTML appended, named `../../invoice.html`, sent from a tracking link: the name
    shown is only text; the download and the subject access zip use `invoice.png`."""
    import io
    import zipfile

    from audit.subject_access.bundle import bundle_build

    disguised = PNG + b"<html><script>alert(document.cookie)</script></html>"
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    upload = SimpleUploadedFile("../../invoice.html", disguised, content_type="text/html")
    assert public.post(path, {"text": "Here it is", "file": upload}).status_code == 302
    evidence = Evidence.objects.get(request=waiting)
    assert evidence.content_type == "image/png"
    assert evidence.stored_name.endswith(".png")
    assert "/" not in evidence.original_name

    staff = Client()
    staff.force_login(administrator)
    response = staff.get(
        reverse("requests_tracking:evidence_download", args=[waiting.pk, evidence.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="invoice.png"'
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"

    content, _ = bundle_build(citizen=waiting.citizen, sar=None)
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    files = [n for n in names if "/files/" in n and f"/{evidence.pk}-" in n]
    assert len(files) == 1
    assert files[0].endswith(f"/{evidence.pk}-invoice.png")
    assert not any(".html" in n and "summary" not in n for n in names)


def test_the_tracking_page_shows_the_uploaders_name_escaped(public, waiting):
    upload = SimpleUploadedFile('<b>x</b>".png', PNG, content_type="image/png")
    path = reverse("public:track_reply", kwargs={"token": tracking_token(waiting)})
    assert public.post(path, {"text": "Photo", "file": upload}).status_code == 302
    text = public.get(tracking_path(waiting)).text
    assert "<b>x</b>" not in text


def test_the_tracking_page_view_is_audited_as_the_citizen(public, waiting):
    from audit.models import AuditEvent

    assert public.get(tracking_path(waiting)).status_code == 200
    event = AuditEvent.objects.get(detail__via="tracking link")
    assert (event.actor, event.actor_kind) == (None, "citizen")
    assert event.actor_display == "Citizen (tracking link)"

"""Residents filling in a public form at /forms/<slug>/: one page at a time with plain errors,
check your answers, confirmation, portals, tampering and bad uploads. Django's test client has
no JavaScript, so these are also the journey with JavaScript switched off."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from forms_engine.models import Submission, SubmissionFile
from requests_tracking.models import Request
from tests.forms_engine.helpers import (
    PAGE_ANSWERS,
    PNG,
    error_summary,
    fill_pages,
    fly_tipping_form,
)

pytestmark = pytest.mark.django_db

SLUG = "report-fly-tipping"


@pytest.fixture
def form(reference_data):
    return fly_tipping_form()


def test_the_whole_resident_journey_without_javascript(client, form):
    start = client.get(f"/forms/{SLUG}/")
    assert start.status_code == 200
    assert f'href="/forms/{SLUG}/location/"' in start.text  # "Start now" is a plain link
    assert "<script>" not in start.text  # no inline script: everything works without it

    page = client.get(f"/forms/{SLUG}/location/")
    assert "Where is it?" in page.text
    assert "page 1 of 4" in page.text

    empty = client.post(f"/forms/{SLUG}/location/", {})
    assert empty.status_code == 200
    assert error_summary(empty) == ["Enter nearest address"]
    assert 'class="govuk-form-group govuk-form-group--error" id="group-location"' in empty.text

    assert client.post(f"/forms/{SLUG}/location/", PAGE_ANSWERS["location"])["Location"] == (
        f"/forms/{SLUG}/what/"
    )
    # Without JavaScript the "only if" question is on the page, marked as such.
    what = client.get(f"/forms/{SLUG}/what/")
    assert "Only if “Is it hazardous?” is Yes" in what.text
    missing = client.post(f"/forms/{SLUG}/what/", {"amount": "van", "hazardous": "yes"})
    assert error_summary(missing) == ["Answer the question: What is hazardous about it?"]
    client.post(
        f"/forms/{SLUG}/what/", {"amount": "van", "hazardous": "yes", "hazard_detail": "Needles"}
    )
    fill_pages(client, SLUG, pages=("photo", "your_details"))

    check = client.get(f"/forms/{SLUG}/check/")
    assert check.status_code == 200
    assert "12 Mill Lane, SW1A 1AA" in check.text
    assert "Needles" in check.text
    assert f'href="/forms/{SLUG}/what/?change=1#hazardous"' in check.text

    # Change an answer from check your answers: back to the check page, the answer dropped
    # when its question is hidden again.
    changed = client.post(
        f"/forms/{SLUG}/what/?change=1",
        {"amount": "van", "hazardous": "no", "hazard_detail": "Needles"},
    )
    assert changed["Location"] == f"/forms/{SLUG}/check/"
    assert "Needles" not in client.get(f"/forms/{SLUG}/check/").text

    sent = client.post(f"/forms/{SLUG}/check/")
    assert sent["Location"] == f"/forms/{SLUG}/done/"
    submission = Submission.objects.get()
    assert submission.status == "submitted"
    assert submission.reference.startswith("FRM-")
    assert "hazard_detail" not in submission.answers
    done = client.get(f"/forms/{SLUG}/done/")
    assert submission.reference in done.text
    request = Request.objects.get()
    assert request.reference in done.text
    assert 'data-testid="tracking-link"' in done.text
    assert request.channel.code == "online_form"
    assert request.address_line_1 == "12 Mill Lane"
    assert request.postcode == "SW1A 1AA"
    assert "How much is there?: A van load" in request.description
    # Going back to the form afterwards starts a fresh one, never reopens the sent one.
    assert client.get(f"/forms/{SLUG}/check/")["Location"] == f"/forms/{SLUG}/"


def test_back_link_and_pages_that_are_not_reached_yet(client, form):
    assert client.get(f"/forms/{SLUG}/photo/")["Location"] == f"/forms/{SLUG}/location/"
    client.post(f"/forms/{SLUG}/location/", PAGE_ANSWERS["location"])
    what = client.get(f"/forms/{SLUG}/what/")
    assert f'href="/forms/{SLUG}/location/" class="govuk-back-link"' in what.text
    assert client.get(f"/forms/{SLUG}/check/")["Location"] == f"/forms/{SLUG}/what/"


def test_answers_are_shown_again_when_going_back(client, form):
    client.post(f"/forms/{SLUG}/location/", PAGE_ANSWERS["location"])
    again = client.get(f"/forms/{SLUG}/location/")
    assert 'value="12 Mill Lane"' in again.text
    assert 'value="SW1A 1AA"' in again.text


def test_a_staff_only_form_is_not_found_by_url_and_the_attempt_is_audited(client, reference_data):
    staff_only = fly_tipping_form(portals=("contact-centre",), slug="taxi-renewal", process=False)
    for path in ("", "location/", "check/", "done/", "save/"):
        response = client.get(f"/forms/taxi-renewal/{path}")
        assert response.status_code == 404
        assert "Page not found" in response.text
    refused = AuditEvent.objects.filter(
        object_type="forms_engine.form", object_id=str(staff_only.pk), action="view"
    )
    assert refused.count() == 5
    assert refused.first().detail["refused"] == "not a public form"
    assert (
        client.post("/forms/taxi-renewal/location/", PAGE_ANSWERS["location"]).status_code == 404
    )
    assert not Submission.objects.exists()


def test_an_unpublished_or_inactive_form_is_not_found(client, form):
    form.active = False
    form.save()
    assert client.get(f"/forms/{SLUG}/").status_code == 404
    assert client.get("/forms/no-such-form/").status_code == 404


def test_posting_to_a_page_not_on_the_route_changes_nothing(client, reference_data):
    from tests.factories.forms_engine import field, page, published_form, rule

    published_form(
        slug="skippy",
        pages=[
            page("one", field("kind", "radios", options="a\nb")),
            page("two", field("secret", "text")),
            page("three", field("last", "text")),
        ],
        rules=[rule("skip", [("kind", "equals", "b")], [{"kind": "skip_to", "page": "three"}])],
    )
    client.post("/forms/skippy/one/", {"kind": "b"})
    tampered = client.post("/forms/skippy/two/", {"secret": "injected"})
    assert tampered["Location"] == "/forms/skippy/three/"
    assert "secret" not in Submission.objects.get().answers
    client.post("/forms/skippy/three/", {"last": "end"})
    client.post("/forms/skippy/check/")
    assert Submission.objects.get().answers == {"kind": "b", "last": "end"}


def test_tampering_with_hidden_fields_changes_nothing(client, reference_data):
    from tests.factories.forms_engine import field, page, published_form, rule

    published_form(
        slug="priced",
        pages=[page("one", field("bins", "number"), field("cost", "hidden", default="0"))],
        rules=[
            rule(
                "cost",
                [("bins", "answered", "")],
                [{"kind": "set_value", "field": "cost", "value": "{bins} * 45"}],
            )
        ],
    )
    client.post("/forms/priced/one/", {"bins": "2", "cost": "0.01"})
    client.post("/forms/priced/check/")
    assert Submission.objects.get().answers == {"bins": "2", "cost": "90"}


def test_bad_uploads_are_refused_without_losing_the_other_answers(client, reference_data):
    from tests.factories.forms_engine import field, page, published_form

    published_form(
        slug="upload",
        pages=[
            page(
                "one",
                field("note", "text"),
                field("photo", "file", file_types="png", max_file_mb=1),
            )
        ],
    )
    for name, data, message in [
        ("big.png", PNG + b"\x00" * (1024 * 1024), "“big.png” is too big"),
        ("doc.png", b"%PDF-1.4\n" + b"0" * 64, "“doc.png” must be a PNG"),
        ("empty.png", b"", "“empty.png” is empty"),
        ("photo.png.html", PNG, "“photo.png.html” has two file extensions"),
    ]:
        response = client.post(
            "/forms/upload/one/",
            {"note": "keep me", "photo": SimpleUploadedFile(name, data)},
        )
        assert response.status_code == 200
        summary = error_summary(response)
        assert len(summary) == 1
        assert summary[0].startswith(message)
        assert 'value="keep me"' in response.text
    ok = client.post(
        "/forms/upload/one/", {"note": "keep me", "photo": SimpleUploadedFile("ok.png", PNG)}
    )
    assert ok.status_code == 302
    stored = SubmissionFile.objects.get()
    assert stored.original_name == "ok.png"
    assert stored.stored_name.endswith(".png")
    assert stored.stored_name != "ok.png"
    assert not stored.file.url.startswith("/static")


def test_public_pages_are_rate_limited(client, form, settings):
    settings.FORMS_RATE_LIMIT_PAGES = 3
    for _ in range(3):
        assert client.get(f"/forms/{SLUG}/").status_code == 200
    limited = client.get(f"/forms/{SLUG}/")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert "too many requests" in limited.text


def test_uploads_have_their_own_lower_limit(client, reference_data, settings):
    from tests.factories.forms_engine import field, page, published_form

    settings.FORMS_RATE_LIMIT_UPLOADS = 1
    published_form(slug="upload2", pages=[page("one", field("photo", "file", required=False))])
    first = client.post("/forms/upload2/one/", {"photo": SimpleUploadedFile("a.png", PNG)})
    assert first.status_code == 302
    second = client.post("/forms/upload2/one/", {"photo": SimpleUploadedFile("b.png", PNG)})
    assert second.status_code == 429
    assert client.post("/forms/upload2/one/", {}).status_code == 302  # no file: not an upload

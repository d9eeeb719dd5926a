import datetime
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.urls import reverse

from audit.models import AuditEvent, SubjectAccessRequest, one_calendar_month_after
from audit.services import subject_access_export, subject_access_request_log
from audit.subject_access.registry import autodiscover, covered_models
from citizens.models import Citizen, CitizenChange, MergeRecord, NotDuplicate
from tests.factories import EntryFactory, StaffFactory
from tests.timeline import builders as make

pytestmark = pytest.mark.django_db


def test_every_model_linked_to_a_citizen_has_a_declared_exporter():
    autodiscover()
    linked = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                (field.many_to_one or field.one_to_one or field.many_to_many)
                and field.concrete
                and field.related_model is Citizen
            ):
                linked.add(model._meta.label_lower)
    missing = linked - covered_models()
    assert not missing, (
        f"No subject access exporter covers {sorted(missing)}: register one "
        "(see audit/subject_access/__init__.py)"
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2026-03-03", "2026-04-03"),
        ("2026-01-31", "2026-02-28"),
        ("2028-01-31", "2028-02-29"),
        ("2026-12-15", "2027-01-15"),
        ("2026-08-31", "2026-09-30"),
    ],
)
def test_due_date_is_one_calendar_month_later(received, due):
    assert one_calendar_month_after(datetime.date.fromisoformat(received)) == (
        datetime.date.fromisoformat(due)
    )


@pytest.fixture
def held(db, settings, tmp_path):
    """A citizen with something in every app, including a security answer and a file."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    agent = StaffFactory()
    person = make.citizen(first_name="Priya", last_name="Patel")
    merged = make.citizen(status=Citizen.Status.MERGED, merged_into=person, last_name="Patell")
    other = make.citizen()
    from tests.factories import AddressFactory, EmailAddressFactory, PhoneNumberFactory

    AddressFactory(citizen=person, line_1="1 Acacia Avenue", citizen__middle_names="")
    EmailAddressFactory(citizen=person, email="priya@example.com")
    PhoneNumberFactory(citizen=merged, number="+447700900555")
    account = make.service_account(citizen=person)
    make.security_answer(account=account, answer_hash="pbkdf2$TOPSECRETHASH")
    make.attempt(account=account, staff=agent, result="pass")
    make.note(citizen=person, author=agent, text="Prefers morning calls")
    make.note(citizen=merged, author=agent, text="Sensitive thing", sensitive=True)
    make.contact(citizen=person, agent=agent, ended=True, notes="Asked about bins")
    CitizenChange.objects.create(
        citizen=person, version=2, field="last_name", label="Last name", old="Patell", new="Patel"
    )
    MergeRecord.objects.create(survivor=person, merged=merged, reason="Same person")
    NotDuplicate.objects.create(citizen_a=person, citizen_b=other, reason="Twins")
    EntryFactory(citizen=person, summary="Timeline says hello")
    from audit.services import audit_record

    audit_record(actor=agent, action=AuditEvent.Action.VIEW, obj=person)
    request_id = _request_with_evidence(person, agent)
    sar = subject_access_request_log(
        actor=agent,
        citizen=person,
        received_on=datetime.date(2026, 3, 3),
        requested_by="The citizen, by email",
    )
    return person, sar, request_id


def _request_with_evidence(person, agent):
    from requests_tracking.models import Evidence, Process, Request, RequestNote
    from tests.factories import ServiceAreaFactory

    process = Process.objects.create(
        code="missed-bin", name="Missed bin", service_area=ServiceAreaFactory()
    )
    request = Request.objects.create(
        reference="REQ-TEST-1",
        citizen=person,
        process=process,
        service_area=process.service_area,
        description="Missed bin on Tuesday",
    )
    RequestNote.objects.create(request=request, text="Internal: crew missed it", author=agent)
    evidence = Evidence(
        request=request,
        stored_name="photo.jpg",
        original_name="bin.jpg",
        content_type="image/jpeg",
        size=9,
    )
    evidence.file.save("photo.jpg", ContentFile(b"JPEGBYTES"), save=False)
    evidence.save()
    return request.pk


def open_bundle(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = archive.namelist()
    data = json.loads(archive.read(next(n for n in names if n.endswith("data.json"))))
    html = archive.read(next(n for n in names if n.endswith("summary.html"))).decode()
    return archive, names, data, html


def test_bundle_holds_every_linked_record_and_no_security_answer(held):
    person, sar, _ = held
    content, filename = subject_access_export(actor=StaffFactory(), sar=sar)
    archive, names, data, html = open_bundle(content)
    assert filename.startswith(f"subject-access-{person.reference}-")
    text = json.dumps(data)
    for expected in [
        "1 Acacia Avenue",
        "priya@example.com",
        "+447700900555",
        "CT123456",
        "Prefers morning calls",
        "Sensitive thing",
        "Asked about bins",
        "Patell",
        "Same person",
        "Twins",
        "Timeline says hello",
        "Missed bin on Tuesday",
        "Internal: crew missed it",
        "bin.jpg",
    ]:
        assert expected in text, expected
        assert expected in html, expected
    sections = data["sections"]
    assert {
        "citizens",
        "verification",
        "contacts",
        "timeline",
        "audit",
        "requests_tracking",
    } <= set(sections)
    assert sections["verification"]["tables"]["Linked service accounts"][0][
        "security_questions_held"
    ] == ["postcode"]
    assert sections["audit"]["tables"]["Audit trail"]
    assert [n for n in names if "/files/" in n]
    assert archive.read(next(n for n in names if "/files/" in n)) == b"JPEGBYTES"
    whole = b"".join(archive.read(n) for n in names)
    assert b"TOPSECRETHASH" not in whole
    assert b"answer_hash" not in whole


def test_export_is_audited_and_recorded_on_the_request(held, admin_client_, administrator):
    person, sar, _ = held
    response = admin_client_.post(reverse("audit:sar_export", kwargs={"pk": sar.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    open_bundle(response.content)
    row = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (row.actor, row.citizen) == (administrator, person)
    sar.refresh_from_db()
    assert sar.status == SubjectAccessRequest.Status.EXPORTED
    assert (sar.exported_by, sar.export_count) == (administrator, 1)


def test_only_administrators_can_export(held, team_leader_client):
    _person, sar, _ = held
    url = reverse("audit:sar_export", kwargs={"pk": sar.pk})
    assert team_leader_client.post(url).status_code == 403


def test_logging_a_request_sets_the_legal_due_date(admin_client_, administrator):
    person = make.citizen()
    response = admin_client_.post(
        reverse("audit:sar_create"),
        {
            "citizen": person.reference.lower(),
            "received_on": "31/1/2026",
            "requested_by": "Her solicitor, with signed authority",
            "identity_checked": "on",
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert sar.due_on == datetime.date(2026, 2, 28)
    assert (sar.citizen, sar.logged_by, sar.identity_checked) == (person, administrator, True)
    assert AuditEvent.objects.filter(
        action="create", object_type="audit.subjectaccessrequest"
    ).exists()
    page = admin_client_.get(response.url).content.decode()
    assert "28 February 2026" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the citizen reference"),
        ({"citizen": "C0000000"}, "There is no citizen with that reference"),
        ({"received_on": "31/2/2026"}, "Enter the date as day/month/year"),
        ({"received_on": "1/1/2099"}, "cannot be in the future"),
        ({"requested_by": ""}, "Enter who made the request"),
    ],
)
def test_logging_form_says_what_is_wrong(admin_client_, data, message):
    response = admin_client_.post(reverse("audit:sar_create"), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert message in content
    assert not SubjectAccessRequest.objects.exists()


def test_list_shows_overdue_requests(admin_client_, administrator):
    person = make.citizen()
    subject_access_request_log(
        actor=administrator,
        citizen=person,
        received_on=datetime.date(2025, 1, 2),
        requested_by="Citizen",
    )
    content = admin_client_.get(reverse("audit:sar_list")).content.decode()
    assert "Overdue" in content
    assert "2 Feb 2025" in content

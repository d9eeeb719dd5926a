import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Staff
from audit.models import AuditEvent
from audit.services import audit_record
from citizens.models import Citizen
from contacts.models import Channel, ContactType
from organisation.models import ServiceArea

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_with_only_debug_secret_and_hosts():
    env = {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": "x" * 60 + "-a-real-long-random-secret-for-this-test",
        "ALLOWED_HOSTS": "crm.council.example",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {"PATH": os.environ["PATH"], "DEBUG": "0", "ALLOWED_HOSTS": "x.example"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_health_needs_no_sign_in(client):
    response = client.get("/health/")
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_unknown_page_is_a_styled_404(agent_client):
    response = agent_client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_reference_data_matches_the_brief_and_is_idempotent(reference_data):
    call_command("seed_reference", stdout=io.StringIO())
    assert ServiceArea.objects.count() == 8
    waste = ServiceArea.objects.get(name="Waste Management")
    assert set(waste.contact_types.values_list("name", flat=True)) == {
        "Missed bin",
        "Bulky waste collection",
        "Garden waste subscription",
        "Fly-tipping report",
        "New bin request",
    }
    assert set(Channel.objects.values_list("code", flat=True)) == {
        "phone",
        "face_to_face",
        "email",
        "webchat",
        "social_media",
        "letter",
        "open311",  # reports from apps such as FixMyStreet (reports about places)
        "online_form",  # channel of origin of requests started by online forms
    }
    assert ContactType.objects.filter(name="Pothole", service_area__name="Highways").exists()


@pytest.mark.django_db
def test_seed_demo_is_deterministic_and_idempotent():
    out = io.StringIO()
    call_command("seed_demo", citizens=50, seed=7, stdout=out)
    assert Citizen.objects.count() == 50
    first = list(Citizen.objects.order_by("id").values_list("first_name", "last_name")[:10])
    call_command("seed_demo", citizens=50, seed=7, stdout=out)
    assert Citizen.objects.count() == 50, "a second run must not add another set"
    assert (
        Staff.objects.filter(
            username__in=["agent", "reception", "officer", "teamleader", "admin"]
        ).count()
        == 5
    )
    assert "demo-password-2026" in out.getvalue()
    # Same seed, same people: a forced second run adds the same 50 again.
    call_command("seed_demo", citizens=50, seed=7, force=True, stdout=io.StringIO())
    second = Citizen.objects.order_by("id").values_list("first_name", "last_name")[50:60]
    assert list(second) == first


@pytest.mark.django_db
def test_demo_citizens_have_realistic_uk_details():
    call_command("seed_demo", citizens=200, seed=1, stdout=io.StringIO())
    with_email = Citizen.objects.filter(emails__isnull=False).distinct().count()
    assert 0 < with_email < 200, "a share of citizens have no email address"
    from citizens.models import Address
    from citizens.normalise import postcode_normalise

    for address in Address.objects.all()[:50]:
        assert postcode_normalise(address.postcode) == address.postcode


@pytest.mark.django_db
def test_audit_trail_is_append_only(agent):
    event = audit_record(actor=agent, action=AuditEvent.Action.SEARCH, detail={"q": "smith"})
    event.detail = {"q": "changed"}
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(action="view")


@pytest.mark.django_db
def test_audit_trail_cannot_be_changed_in_admin(admin_client_, agent):
    event = audit_record(actor=agent, action=AuditEvent.Action.SEARCH, detail={"q": "smith"})
    assert admin_client_.get("/admin/audit/auditevent/").status_code == 200
    assert admin_client_.get("/admin/audit/auditevent/add/").status_code == 403
    response = admin_client_.post(
        f"/admin/audit/auditevent/{event.pk}/change/", {"action": "view"}
    )
    assert response.status_code == 403
    assert admin_client_.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_scheduler_runs_every_periodic_job_once(reference_data):
    from django.conf import settings

    out = io.StringIO()
    call_command("run_scheduler", once=True, stdout=out)
    jobs = len(settings.CELERY_BEAT_SCHEDULE)
    assert f"Ran {jobs} of {jobs} periodic jobs." in out.getvalue()


def test_scheduler_refuses_a_schedule_naming_a_missing_task(settings):
    from django.core.management.base import CommandError

    settings.CELERY_BEAT_SCHEDULE = {
        "typo": {"task": "contacts.tasks.no_such_job", "schedule": 60}
    }
    with pytest.raises(CommandError, match="contacts.tasks.no_such_job"):
        call_command("run_scheduler", once=True, stdout=io.StringIO())


@pytest.mark.django_db
def test_reference_data_is_retired_not_deleted_in_admin(admin_client_, reference_data):
    area = ServiceArea.objects.get(name="Planning")
    response = admin_client_.get(f"/admin/organisation/servicearea/{area.pk}/delete/")
    assert response.status_code == 403


@pytest.mark.django_db
def test_api_schema_and_docs_need_a_signed_in_member_of_staff(client, agent):
    assert client.get("/api/v1/schema/").status_code == 401
    client.force_login(agent)
    assert client.get("/api/v1/schema/").status_code == 200
    assert client.get("/api/v1/docs/").status_code == 200

"""Django admin: case records are read-only (they change only through the application's
services, which audit them and tell the citizen); configuration stays editable and every edit
is written to the audit trail. Every registered model must be classified below."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from audit.models import AuditEvent
from core.admin import AuditedAdmin

pytestmark = pytest.mark.django_db

# Case data: read-only in admin (looked at, never added, changed or deleted there).
READ_ONLY = {
    "audit.auditevent",
    "audit.subjectaccessrequest",
    "citizens.citizen",
    "citizens.mergerecord",
    "citizens.note",
    "contacts.contact",
    "faq.articlesend",
    "faq.searchlog",
    "forms_engine.formversion",
    "forms_engine.submission",
    "integration.webhookattempt",
    "notifications.message",
    "open311.open311submission",
    "requests_tracking.evidence",
    "requests_tracking.request",
    "requests_tracking.requestnote",
    "verification.serviceaccount",
}

# Configuration: editable in admin, every add, change and delete audited.
CONFIGURATION = {
    "accounts.staff",
    "auth.group",
    "contacts.avoidablereason",
    "contacts.channel",
    "contacts.contacttype",
    "contacts.outcome",
    "contacts.partnerorganisation",
    "faq.article",
    "faq.dynamicblock",
    "faq.serviceconnector",
    "forms_engine.form",
    "forms_engine.formpage",
    "forms_engine.formrule",
    "forms_engine.portal",
    "integration.clientsystem",
    "integration.webhooksubscription",
    "notifications.messagetemplate",
    "open311.open311service",
    "organisation.location",
    "organisation.servicearea",
    "organisation.team",
    "places.gazetteeraddress",
    "requests_tracking.process",
    "requests_tracking.stage",
    "requests_tracking.workingtimesettings",
    "verification.securityquestion",
}

# Other libraries' own admin pages, holding no case data: sign-in lockouts (django-axes).
THIRD_PARTY = {
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}

# API tokens: listed and revoked in admin (revoking is audited by its service), never added
# or edited there — keys are made by `create_api_token` or a client system's page.
TOKENS = {"accounts.apitoken"}

REGISTERED = {
    model._meta.label_lower: model_admin for model, model_admin in admin.site._registry.items()
}


def test_every_model_in_admin_is_classified_once():
    assert not READ_ONLY & CONFIGURATION
    assert not (READ_ONLY | CONFIGURATION) & (THIRD_PARTY | TOKENS)
    unclassified = set(REGISTERED) - READ_ONLY - CONFIGURATION - THIRD_PARTY - TOKENS
    assert not unclassified, f"Say whether these hold case data: {sorted(unclassified)}"
    assert not (READ_ONLY | CONFIGURATION | THIRD_PARTY | TOKENS) - set(REGISTERED)


def test_api_tokens_are_listed_and_revoked_in_admin_never_made_or_edited(administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    model_admin = REGISTERED["accounts.apitoken"]
    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert "revoke" in model_admin.get_actions(request)
    assert "secret_hash" not in model_admin.get_fields(request)


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_case_records_cannot_be_added_changed_or_deleted_in_admin(label, administrator):
    request = RequestFactory().get("/admin/")
    request.user = administrator
    model_admin = REGISTERED[label]
    assert model_admin.has_view_permission(request) is True
    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("label", sorted(CONFIGURATION))
def test_configuration_edited_in_admin_is_audited(label):
    assert isinstance(REGISTERED[label], AuditedAdmin)


def _url(label, view, *args):
    app_label, model_name = label.split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.mark.parametrize("label", sorted(READ_ONLY))
def test_case_record_pages_list_and_refuse_adding(admin_client_, label, reference_data):
    assert admin_client_.get(_url(label, "changelist")).status_code == 200
    assert admin_client_.get(_url(label, "add")).status_code == 403


@pytest.mark.parametrize("label", sorted(CONFIGURATION))
def test_configuration_pages_list_and_add(admin_client_, label, reference_data):
    assert admin_client_.get(_url(label, "changelist")).status_code == 200
    assert admin_client_.get(_url(label, "add")).status_code == 200


def test_citizen_records_are_read_only_in_admin(admin_client_):
    from tests.factories import CitizenFactory

    citizen = CitizenFactory()
    url = reverse("admin:citizens_citizen_change", args=[citizen.pk])
    assert admin_client_.get(url).status_code == 200
    response = admin_client_.post(url, {"last_name": "Changed"})
    assert response.status_code == 403
    citizen.refresh_from_db()
    assert citizen.last_name != "Changed"


def test_an_internal_request_note_cannot_be_shown_to_the_citizen_through_admin(
    admin_client_, officer
):
    from requests_tracking.services import request_create, request_note_add
    from tests.factories import ProcessFactory

    service_request = request_create(actor=officer, process=ProcessFactory(), description="x")
    note = request_note_add(actor=officer, service_request=service_request, text="Internal")
    url = reverse("admin:requests_tracking_requestnote_change", args=[note.pk])
    assert admin_client_.get(url).status_code == 200  # administrators can look
    response = admin_client_.post(
        url, {"request": service_request.pk, "text": "Internal", "visible_to_citizen": "on"}
    )
    assert response.status_code == 403
    note.refresh_from_db()
    assert note.visible_to_citizen is False
    delete = reverse("admin:requests_tracking_requestnote_delete", args=[note.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert type(note).objects.filter(pk=note.pk).exists()


def test_a_configuration_change_in_admin_names_who_what_and_the_change(
    admin_client_, administrator
):
    from notifications.models import MessageTemplate

    add = admin_client_.post(
        _url("notifications.messagetemplate", "add"),
        {"name": "Pothole fixed", "subject": "Fixed", "body": "We fixed it.", "active": "on"},
    )
    assert add.status_code == 302
    template = MessageTemplate.objects.get(name="Pothole fixed")
    added = AuditEvent.objects.get(object_type="notifications.messagetemplate", action="create")
    assert added.actor == administrator
    assert added.object_id == str(template.pk)
    assert added.detail["via"] == "admin"

    change = admin_client_.post(
        _url("notifications.messagetemplate", "change", template.pk),
        {"name": "Pothole fixed", "subject": "All fixed", "body": "We fixed it.", "active": "on"},
    )
    assert change.status_code == 302
    changed = AuditEvent.objects.get(object_type="notifications.messagetemplate", action="change")
    assert changed.actor == administrator
    assert changed.detail["admin"] == "changed"
    assert changed.detail["fields"] == {"subject": {"old": "Fixed", "new": "All fixed"}}

    delete = admin_client_.post(
        _url("notifications.messagetemplate", "delete", template.pk), {"post": "yes"}
    )
    assert delete.status_code == 302
    deleted = AuditEvent.objects.filter(
        object_type="notifications.messagetemplate", detail__admin="deleted"
    ).get()
    assert deleted.actor == administrator
    assert deleted.object_id == str(template.pk)
    assert deleted.object_repr == "Pothole fixed"


def test_retiring_reference_data_in_admin_is_audited(admin_client_, administrator):
    from organisation.models import ServiceArea
    from tests.factories import ServiceAreaFactory

    area = ServiceAreaFactory(name="Parks", active=True)
    response = admin_client_.post(
        _url("organisation.servicearea", "changelist"),
        {"action": "retire", "_selected_action": [area.pk]},
    )
    assert response.status_code == 302
    assert ServiceArea.objects.get(pk=area.pk).active is False
    row = AuditEvent.objects.get(object_type="organisation.servicearea", object_id=str(area.pk))
    assert row.actor == administrator
    assert row.detail["admin"] == "retired"
    assert row.detail["fields"] == {"active": {"old": "True", "new": "False"}}


def test_secret_values_never_reach_the_audit_trail(admin_client_):
    from faq.models import ServiceConnector

    fields = {f.name for f in ServiceConnector._meta.fields}
    assert "token" in fields  # the connector's bearer token is a secret
    from core.admin import _field_changes

    class Form:
        changed_data = ["token"]
        initial = {"token": "old-secret"}
        cleaned_data = {"token": "new-secret"}
        fields = {}

    assert _field_changes(Form()) == {"token": {"old": "(hidden)", "new": "(changed)"}}

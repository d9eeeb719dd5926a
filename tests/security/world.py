"""Real data for the URL walks: the demo records, plus one of every object a URL can name.

`World` holds the objects; `url_patterns()` lists every URL pattern of the project (Django admin
apart: its views are walked through `admin.site._registry`).
"""

import io
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@dataclass
class Pattern:
    route: str
    name: str  # namespace:name
    callback: object


def url_patterns() -> list[Pattern]:
    found = []

    def walk(resolver, prefix, namespace):
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                if item.namespace == "admin":
                    continue
                ns = f"{namespace}{item.namespace}:" if item.namespace else namespace
                walk(item, prefix + str(item.pattern), ns)
            elif isinstance(item, URLPattern):
                name = f"{namespace}{item.name}" if item.name else f"{namespace}<unnamed>"
                found.append(Pattern(prefix + str(item.pattern), name, item.callback))

    walk(get_resolver(), "", "")
    return found


@dataclass
class World:
    staff: object
    citizen: object
    other: object
    note: object
    sensitive_note: object
    flag: object
    account: object
    contact: object
    request: object
    request_note: object
    evidence: object
    submission: object
    submission_file: object
    draft: object
    merge: object
    merged_citizen: object
    sar: object
    form: object
    article: object
    tracking_token: str
    resume_token: str
    extra: dict = field(default_factory=dict)


def world_build(*, staff) -> World:
    """Seed the demo data and add, through the services, one of every object URLs can name."""
    from audit.services import subject_access_request_log
    from citizens import services as citizen_services
    from citizens.models import Citizen
    from contacts.models import Contact
    from faq.models import Article
    from forms_engine.models import Form, Submission, SubmissionFile
    from forms_engine.services import resume as resume_services
    from forms_engine.services.filling import submission_start
    from requests_tracking.models import Request
    from requests_tracking.public_links import tracking_token
    from requests_tracking.services import request_evidence_add, request_note_add
    from verification.models import ServiceAccount

    call_command("seed_demo", citizens=30, seed=3, stdout=io.StringIO())
    account = ServiceAccount.objects.select_related("citizen").order_by("pk").first()
    citizen = account.citizen
    others = Citizen.objects.active().exclude(pk=citizen.pk).order_by("pk")
    other, merged_away, survivor = others[0], others[1], others[2]
    note = citizen_services.note_add(actor=staff, citizen=citizen, text="Rang about the bins")
    sensitive = citizen_services.note_add(
        actor=staff, citizen=citizen, text="Fleeing domestic abuse", sensitive=True
    )
    flag = citizen_services.assistance_flag_add(
        actor=staff, citizen=citizen, kind=_flag_kind(), note="Needs large print"
    )
    merge = citizen_services.citizens_merge(
        actor=staff, survivor=survivor, merged=merged_away, reason="Same person"
    )
    contact = Contact.objects.filter(citizen__isnull=False).order_by("pk").first()
    service_request = Request.objects.filter(citizen__isnull=False).order_by("pk").first()
    request_note = request_note_add(
        actor=staff, service_request=service_request, text="Crew could not get in"
    )
    evidence = request_evidence_add(
        actor=staff,
        service_request=service_request,
        upload=SimpleUploadedFile("photo.png", PNG),
        stored_name="0123456789abcdef.png",
        original_name="photo.png",
        content_type="image/png",
    )
    form = Form.objects.filter(active=True, current_version__isnull=False).order_by("pk").first()
    submission = submission_start(actor=staff, form=form, via=Submission.Via.STAFF, citizen=other)
    # Sent as it would be after its pages were filled in (the answers do not matter here).
    Submission.objects.filter(pk=submission.pk).update(
        status=Submission.Status.SUBMITTED, reference="F-WALK-1", submitted_at=_now()
    )
    submission.refresh_from_db()
    upload = SubmissionFile(
        submission=submission,
        field_key="photo",
        stored_name="fedcba9876543210.png",
        original_name="photo.png",
        content_type="image/png",
        size=len(PNG),
    )
    upload.file.save(upload.stored_name, ContentFile(PNG), save=False)
    upload.save()
    draft = submission_start(actor=staff, form=form, via=Submission.Via.STAFF, citizen=citizen)
    resume = resume_services._issue(draft, "link", "resident@example.com", draft.started_at)
    sar = subject_access_request_log(
        actor=staff, citizen=citizen, received_on=_today(), requested_by="The citizen"
    )
    return World(
        staff=staff,
        citizen=citizen,
        other=other,
        note=note,
        sensitive_note=sensitive,
        flag=flag,
        account=account,
        contact=contact,
        request=service_request,
        request_note=request_note,
        evidence=evidence,
        submission=submission,
        submission_file=upload,
        draft=draft,
        merge=merge,
        merged_citizen=merged_away,
        sar=sar,
        form=form,
        article=Article.objects.order_by("pk").first(),
        tracking_token=tracking_token(service_request),
        resume_token=resume,
    )


def _flag_kind():
    from citizens.models import AssistanceFlag

    return AssistanceFlag.Kind.values[0]


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _now():
    from django.utils import timezone

    return timezone.now()

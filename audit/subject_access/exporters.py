"""Built-in exporters for the apps that have not declared their own (an app's own
`<app>/subject_access.py` registering the same app label replaces these)."""

from audit.subject_access.registry import Exporter, Section, record, register

# Internal search copies and locking counters: not information about the person.
CITIZEN_INTERNAL = {"search_name", "search_last_name", "search_keys", "version"}


def export_citizens(citizen) -> Section:
    from django.db.models import Q

    from citizens.models import (
        Address,
        AssistanceFlag,
        Citizen,
        CitizenChange,
        EmailAddress,
        MergeRecord,
        NotDuplicate,
        Note,
        PhoneNumber,
        ServiceAccount,
        VerificationAttempt,
    )

    merged = list(Citizen.objects.filter(merged_into=citizen))
    section = Section(title="Personal details and profile")
    section.tables["Citizen record"] = [record(citizen, exclude=CITIZEN_INTERNAL)]
    if merged:
        section.tables["Records merged into this one"] = [
            record(c, exclude=CITIZEN_INTERNAL) for c in merged
        ]
    people = [citizen, *merged]
    section.tables["Addresses"] = [
        record(a, exclude={"postcode_compact"}) for a in Address.objects.filter(citizen__in=people)
    ]
    section.tables["Email addresses"] = [
        record(e) for e in EmailAddress.objects.filter(citizen__in=people)
    ]
    section.tables["Phone numbers"] = [
        record(p) for p in PhoneNumber.objects.filter(citizen__in=people)
    ]
    section.tables["Assistance needs"] = [
        record(f) for f in AssistanceFlag.objects.filter(citizen__in=people)
    ]
    section.tables["Profile history"] = [
        record(c) for c in CitizenChange.objects.filter(citizen__in=people).order_by("changed_at")
    ]
    section.tables["Notes (including sensitive notes)"] = [
        record(n) for n in Note.objects.filter(citizen__in=people).order_by("created_at")
    ]
    # Linked accounts: the security questions held, but never the stored answers.
    accounts = ServiceAccount.objects.filter(citizen__in=people).prefetch_related("answers")
    section.tables["Linked service accounts"] = [
        record(
            a,
            exclude={"reference_compact"},
            extra={"security_questions_held": sorted(ans.question for ans in a.answers.all())},
        )
        for a in accounts
    ]
    section.tables["Identity checks (verification attempts)"] = [
        record(v)
        for v in VerificationAttempt.objects.filter(citizen__in=people).order_by("created_at")
    ]
    section.tables["Merges"] = [
        record(m)
        for m in MergeRecord.objects.filter(Q(survivor__in=people) | Q(merged__in=people))
    ]
    section.tables["Records confirmed as a different person"] = [
        record(d)
        for d in NotDuplicate.objects.filter(Q(citizen_a__in=people) | Q(citizen_b__in=people))
    ]
    return section


register(
    Exporter(
        app_label="citizens",
        title="Personal details and profile",
        models=(
            "citizens.citizen",
            "citizens.address",
            "citizens.emailaddress",
            "citizens.phonenumber",
            "citizens.assistanceflag",
            "citizens.citizenchange",
            "citizens.note",
            "citizens.serviceaccount",
            "citizens.verificationattempt",
            "citizens.mergerecord",
            "citizens.notduplicate",
        ),
        export=export_citizens,
        order=10,
    )
)


def export_contacts(citizen) -> Section:
    from contacts.models import Contact

    contacts = (
        Contact.objects.filter(citizen=citizen)
        .select_related(
            "agent",
            "channel",
            "location",
            "service_area",
            "contact_type",
            "outcome",
            "avoidable_reason",
        )
        .prefetch_related("partners")
        .order_by("started_at")
    )
    return Section(
        title="Contacts with the council",
        tables={
            "Contacts": [
                record(c, extra={"signposted_to": [str(p) for p in c.partners.all()]})
                for c in contacts
            ]
        },
    )


register(
    Exporter(
        app_label="contacts",
        title="Contacts with the council",
        models=("contacts.contact",),
        export=export_contacts,
        order=20,
    )
)


def export_requests(citizen) -> Section:
    from django.core.files.storage import default_storage

    from requests_tracking.models import Request, RequestNote

    requests = (
        Request.objects.filter(citizen=citizen)
        .select_related("process", "current_stage", "service_area", "team", "channel")
        .prefetch_related("evidence", "visits")
        .order_by("created_at")
    )
    followed = Request.objects.filter(followers=citizen).exclude(citizen=citizen)
    section = Section(title="Requests")
    section.tables["Requests"] = [record(r, exclude={"postcode_compact"}) for r in requests]
    section.tables["Requests followed"] = [
        {"id": r.pk, "reference": r.reference, "description": r.description} for r in followed
    ]
    section.tables["Request notes (visible to the citizen and internal)"] = [
        record(n)
        for n in RequestNote.objects.filter(request__citizen=citizen).order_by("created_at")
    ]
    evidence_rows = []
    for request in requests:
        for item in request.evidence.all():
            path = f"{request.reference}/{item.pk}-{item.original_name}"
            evidence_rows.append(record(item, extra={"file_in_bundle": f"files/{path}"}))

            def read(name=item.file.name):
                with default_storage.open(name, "rb") as handle:
                    return handle.read()

            section.files.append((path, read))
    section.tables["Evidence and uploaded files"] = evidence_rows
    section.tables["Stage history"] = [record(v) for r in requests for v in r.visits.all()]
    return section


register(
    Exporter(
        app_label="requests_tracking",
        title="Requests",
        models=("requests_tracking.request",),
        export=export_requests,
        order=30,
    )
)


def export_notifications(citizen) -> Section:
    from notifications.models import Message

    messages = Message.objects.filter(citizen=citizen).order_by("created_at")
    return Section(
        title="Messages sent",
        tables={
            "Emails and text messages": [record(m, exclude={"idempotency_key"}) for m in messages]
        },
    )


register(
    Exporter(
        app_label="notifications",
        title="Messages sent",
        models=("notifications.message",),
        export=export_notifications,
        order=40,
    )
)


def export_timeline(citizen) -> Section:
    from timeline.models import Entry

    entries = Entry.objects.filter(citizen=citizen).select_related("actor", "service_area")
    return Section(
        title="Activity timeline",
        tables={
            "Timeline": [
                {
                    "id": e.pk,
                    "occurred_at": e.occurred_at.isoformat(),
                    "kind": e.get_kind_display(),
                    "summary": e.summary,
                    "by": e.actor_display,
                    "service_area": str(e.service_area) if e.service_area_id else None,
                    "detail": e.detail,
                }
                for e in entries.order_by("occurred_at", "id")
            ]
        },
    )


register(
    Exporter(
        app_label="timeline",
        title="Activity timeline",
        models=("timeline.entry",),
        export=export_timeline,
        order=50,
    )
)


def export_audit(citizen) -> Section:
    from audit.models import AuditEvent, SubjectAccessRequest

    events = AuditEvent.objects.filter(citizen=citizen).select_related("actor")
    return Section(
        title="Who looked at or changed the record",
        tables={
            "Audit trail": [
                {
                    "id": e.pk,
                    "when": e.occurred_at.isoformat(),
                    "who": str(e.actor) if e.actor_id else "System",
                    "what": e.get_action_display(),
                    "record": e.object_repr,
                    "detail": e.detail,
                }
                for e in events.order_by("occurred_at", "id")
            ],
            "Subject access requests": [
                record(s, exclude={"export_count"})
                for s in SubjectAccessRequest.objects.filter(citizen=citizen)
            ],
        },
    )


register(
    Exporter(
        app_label="audit",
        title="Who looked at or changed the record",
        models=("audit.auditevent", "audit.subjectaccessrequest"),
        export=export_audit,
        order=90,
    )
)

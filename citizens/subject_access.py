"""The citizens app's part of a subject access export (registered with audit's registry)."""

from django.db.models import Q

from audit.subject_access.registry import Exporter, Section, record, register
from citizens.models import (
    Address,
    AssistanceFlag,
    Citizen,
    CitizenChange,
    DuplicatePair,
    EmailAddress,
    MergeRecord,
    NotDuplicate,
    Note,
    PhoneNumber,
)

# Internal search copies and locking counters: not information about the person.
CITIZEN_INTERNAL = {"search_name", "search_last_name", "search_keys", "version"}


def export_citizens(citizen) -> Section:
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
    section.tables["Merges"] = [
        record(m, exclude={"undo"})  # row ids kept for undoing the merge: not about the person
        for m in MergeRecord.objects.filter(Q(survivor__in=people) | Q(merged__in=people))
    ]
    section.tables["Records confirmed as a different person"] = [
        record(d)
        for d in NotDuplicate.objects.filter(Q(citizen_a__in=people) | Q(citizen_b__in=people))
    ]
    section.tables["Records that may be the same person (duplicate review)"] = [
        record(d, exclude={"run"})
        for d in DuplicatePair.objects.filter(Q(citizen_a__in=people) | Q(citizen_b__in=people))
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
            "citizens.mergerecord",
            "citizens.notduplicate",
            "citizens.duplicatepair",
        ),
        export=export_citizens,
        order=10,
    )
)

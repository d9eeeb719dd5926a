"""Writes to the citizen register. Each service is atomic, records the change for audit and
sends the app's domain signal (citizens.signals) inside the transaction."""

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from citizens import signals
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
)
from citizens.normalise import (
    citizen_reference,
    name_normalise,
    phone_is_mobile,
    postcode_compact,
    search_keys_for,
)
from citizens.selectors import duplicate_candidates
from core.sequences import sequence_next

PERSON_FIELDS = {
    "title": ("Title", False),
    "first_name": ("First name", False),
    "middle_names": ("Middle names", False),
    "last_name": ("Last name", False),
    "preferred_name": ("Preferred name", False),
    "date_of_birth": ("Date of birth", True),
    "preferred_channel": ("Preferred channel", False),
    "preferred_language": ("Preferred language", False),
    "accessible_formats": ("Accessible formats", False),
    "no_contact_details_reason": ("Reason for no contact details", False),
}
CONTACT_FIELDS = {
    "email": ("Email address", False),
    "phone": ("Phone number", False),
    "address_line_1": ("Address line 1", False),
    "address_line_2": ("Address line 2", False),
    "town": ("Town or city", False),
    "postcode": ("Postcode", False),
    "uprn": ("UPRN", False),
}


class DuplicatesFound(Exception):
    def __init__(self, candidates):
        super().__init__("Likely duplicates found")
        self.candidates = candidates


class VersionConflict(Exception):
    """Someone else saved the record since this edit started."""

    def __init__(self, current: Citizen):
        super().__init__("The record was changed by someone else")
        self.current = current


def _set_search_fields(citizen: Citizen) -> None:
    citizen.search_name = name_normalise(
        f"{citizen.first_name} {citizen.middle_names} {citizen.last_name}"
    )
    citizen.search_last_name = name_normalise(citizen.last_name)
    citizen.search_keys = search_keys_for(
        citizen.first_name, citizen.middle_names, citizen.last_name, citizen.preferred_name
    )


def citizen_contact_values(citizen: Citizen) -> dict:
    """The editable contact fields as flat values (primary email/phone, current address)."""
    email = next(iter(citizen.emails.all()), None)
    phone = next(iter(citizen.phones.all()), None)
    address = next((a for a in citizen.addresses.all() if a.is_current), None)
    return {
        "email": email.email if email else "",
        "phone": phone.number if phone else "",
        "address_line_1": address.line_1 if address else "",
        "address_line_2": address.line_2 if address else "",
        "town": address.town if address else "",
        "postcode": address.postcode if address else "",
        "uprn": address.uprn if address else "",
    }


def _write_address(citizen, data, *, moved: bool) -> None:
    current = citizen.addresses.filter(is_current=True).first()
    if not data.get("address_line_1") and not data.get("postcode"):
        if current:
            current.is_current = False
            current.valid_to = timezone.localdate()
            current.save(update_fields=["is_current", "valid_to"])
        return
    values = {
        "line_1": data.get("address_line_1", ""),
        "line_2": data.get("address_line_2", ""),
        "town": data.get("town", ""),
        "postcode": data.get("postcode", ""),
        "postcode_compact": postcode_compact(data.get("postcode", "")),
        "uprn": data.get("uprn", ""),
    }
    if current and not moved:
        for k, v in values.items():
            setattr(current, k, v)
        current.save()
        return
    if current:
        current.is_current = False
        current.valid_to = timezone.localdate()
        current.save(update_fields=["is_current", "valid_to"])
    Address.objects.create(
        citizen=citizen, is_current=True, valid_from=timezone.localdate(), **values
    )


def _write_email(citizen, email: str) -> None:
    primary = citizen.emails.filter(is_primary=True).first() or citizen.emails.first()
    if not email:
        if primary:
            primary.delete()
        return
    if primary:
        primary.email = email
        primary.confirmed_at = timezone.now()
        primary.save(update_fields=["email", "confirmed_at"])
    else:
        EmailAddress.objects.create(
            citizen=citizen, email=email, is_primary=True, confirmed_at=timezone.now()
        )


def _write_phone(citizen, phone: str) -> None:
    primary = citizen.phones.filter(is_primary=True).first() or citizen.phones.first()
    if not phone:
        if primary:
            primary.delete()
        return
    kind = PhoneNumber.Kind.MOBILE if phone_is_mobile(phone) else PhoneNumber.Kind.LANDLINE
    if primary:
        primary.number, primary.kind, primary.confirmed_at = phone, kind, timezone.now()
        primary.save(update_fields=["number", "kind", "confirmed_at"])
    else:
        PhoneNumber.objects.create(
            citizen=citizen, number=phone, kind=kind, is_primary=True, confirmed_at=timezone.now()
        )


@transaction.atomic
def citizen_create(
    *, actor, data: dict, confirm_new: bool = False, new_person_reason: str = ""
) -> Citizen:
    """Create a citizen from cleaned values; refuses with DuplicatesFound unless confirmed."""
    if not confirm_new:
        candidates = duplicate_candidates(
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            date_of_birth=data.get("date_of_birth"),
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            postcode=data.get("postcode", ""),
            line_1=data.get("address_line_1", ""),
        )
        if candidates:
            raise DuplicatesFound(candidates)
    citizen = Citizen(
        reference=citizen_reference(sequence_next(name="citizen")),
        created_by=actor if actor is not None and actor.is_authenticated else None,
        new_person_reason=new_person_reason if confirm_new else "",
        **{k: data.get(k) or ("" if k != "date_of_birth" else None) for k in PERSON_FIELDS},
    )
    if not citizen.preferred_language:
        citizen.preferred_language = "English"
    _set_search_fields(citizen)
    citizen.save()
    _write_address(citizen, data, moved=True)
    if data.get("email"):
        _write_email(citizen, data["email"])
    if data.get("phone"):
        _write_phone(citizen, data["phone"])
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=citizen)
    signals.citizen_created.send(sender=Citizen, instance=citizen, actor=actor)
    return citizen


def _display(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


@transaction.atomic
def citizen_update(*, actor, citizen: Citizen, version: int, data: dict) -> list[dict]:
    """Apply the changed fields if `version` is still current; returns the change list.

    Raises VersionConflict (with the current record) when someone saved in between.
    """
    bumped = Citizen.objects.filter(pk=citizen.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    if not bumped:
        raise VersionConflict(Citizen.objects.get(pk=citizen.pk))
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    before = {k: getattr(citizen, k) for k in PERSON_FIELDS} | citizen_contact_values(citizen)
    changes = []
    for key, (label, sensitive) in (PERSON_FIELDS | CONTACT_FIELDS).items():
        if key not in data:
            continue
        old, new = before.get(key), data[key]
        if (old or "") == (new or ""):
            continue
        changes.append(
            {
                "field": key,
                "label": label,
                "old": _display(old),
                "new": _display(new),
                "sensitive": sensitive,
            }
        )
    if not changes:
        # Nothing changed: give the version back so no one else's edit is refused for nothing.
        Citizen.objects.filter(pk=citizen.pk).update(version=F("version") - 1)
        return []
    changed = {c["field"] for c in changes}
    for key in changed & set(PERSON_FIELDS):
        setattr(citizen, key, data[key] or (None if key == "date_of_birth" else ""))
    _set_search_fields(citizen)
    citizen.save()
    if "email" in changed:
        _write_email(citizen, data["email"])
    if "phone" in changed:
        _write_phone(citizen, data["phone"])
    address_keys = {"address_line_1", "address_line_2", "town", "postcode", "uprn"}
    if changed & address_keys:
        merged = before | {k: data[k] for k in address_keys if k in data}
        _write_address(citizen, merged, moved=bool(changed & {"address_line_1", "postcode"}))
    CitizenChange.objects.bulk_create(
        [
            CitizenChange(
                citizen=citizen,
                version=citizen.version,
                field=c["field"],
                label=c["label"],
                old="" if c["sensitive"] else c["old"],
                new="" if c["sensitive"] else c["new"],
                sensitive=c["sensitive"],
                changed_by=actor if actor is not None and actor.is_authenticated else None,
            )
            for c in changes
        ]
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=citizen,
        detail={"fields": sorted(changed)},
    )
    signals.citizen_changed.send(sender=Citizen, instance=citizen, actor=actor, changes=changes)
    return changes


@transaction.atomic
def citizen_confirm_contact_details(*, actor, citizen: Citizen) -> None:
    """The citizen said their email address and phone numbers are still right."""
    now = timezone.now()
    citizen.emails.update(confirmed_at=now)
    citizen.phones.update(confirmed_at=now)
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=citizen, detail={"confirmed": True}
    )


@transaction.atomic
def assistance_flag_add(*, actor, citizen, kind, note="", review_date=None) -> AssistanceFlag:
    flag = AssistanceFlag.objects.create(
        citizen=citizen,
        kind=kind,
        note=note,
        review_date=review_date,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    change = {
        "field": "assistance_flags",
        "label": "Assistance needs",
        "old": "",
        "new": flag.get_kind_display(),
        "sensitive": True,
    }
    CitizenChange.objects.create(
        citizen=citizen,
        version=citizen.version,
        field=change["field"],
        label=change["label"],
        sensitive=True,
        changed_by=flag.created_by,
    )
    audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=flag, citizen=citizen)
    signals.citizen_changed.send(sender=Citizen, instance=citizen, actor=actor, changes=[change])
    return flag


@transaction.atomic
def assistance_flag_end(*, actor, flag: AssistanceFlag) -> None:
    flag.active = False
    flag.save(update_fields=["active"])
    change = {
        "field": "assistance_flags",
        "label": "Assistance needs",
        "old": flag.get_kind_display(),
        "new": "",
        "sensitive": True,
    }
    CitizenChange.objects.create(
        citizen=flag.citizen,
        version=flag.citizen.version,
        field=change["field"],
        label=change["label"],
        sensitive=True,
        changed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(actor=actor, action=AuditEvent.Action.CHANGE, obj=flag, citizen=flag.citizen)
    signals.citizen_changed.send(
        sender=Citizen, instance=flag.citizen, actor=actor, changes=[change]
    )


# --- notes ---------------------------------------------------------------------------------


@transaction.atomic
def note_add(
    *, actor, citizen, text, service_area=None, sensitive=False, corrects: Note | None = None
) -> Note:
    """Add a note; a correction is a new note pointing at the original, which is kept."""
    note = Note.objects.create(
        citizen=citizen,
        text=text,
        service_area=service_area,
        sensitive=sensitive or bool(corrects and corrects.sensitive),
        corrects=corrects,
        author=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=note, citizen=citizen)
    signals.note_added.send(sender=Note, instance=note, actor=actor)
    return note


# --- duplicates and merge ------------------------------------------------------------------


@transaction.atomic
def not_duplicate_record(*, actor, citizen_a, citizen_b, reason) -> NotDuplicate:
    a, b = sorted([citizen_a, citizen_b], key=lambda c: c.pk)
    decision, _ = NotDuplicate.objects.get_or_create(
        citizen_a=a,
        citizen_b=b,
        defaults={
            "reason": reason,
            "decided_by": actor if actor is not None and actor.is_authenticated else None,
        },
    )
    return decision


# Relations a merge must not move: the audit trail (it records what was actually viewed), the
# merge pointer itself and the merge/decision records, which describe both records.
MERGE_SKIP = {
    ("audit", "auditevent", "citizen"),
    ("citizens", "citizen", "merged_into"),
    ("citizens", "mergerecord", "survivor"),
    ("citizens", "mergerecord", "merged"),
    ("citizens", "notduplicate", "citizen_a"),
    ("citizens", "notduplicate", "citizen_b"),
}


def _relations_to_citizen():
    """Every foreign key / one-to-one / many-to-many in any installed app pointing at Citizen."""
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not f.is_relation or f.auto_created or f.related_model is not Citizen:
                continue
            key = (model._meta.app_label, model._meta.model_name, f.name)
            if key not in MERGE_SKIP:
                yield model, f


def _place_key(address) -> tuple:
    if address.uprn:
        return ("uprn", address.uprn)
    line = "".join(ch for ch in address.line_1.lower() if ch.isalnum())
    return ("line", line, address.postcode_compact.upper())


def _addresses_already_held(*, survivor, merged) -> list[int]:
    """Ids of the merged record's addresses at a place the survivor already has listed."""
    held = set()
    for address in survivor.addresses.all():
        held.add(_place_key(address))
        if address.uprn:  # the same place typed without its UPRN on the other record
            line = "".join(ch for ch in address.line_1.lower() if ch.isalnum())
            held.add(("line", line, address.postcode_compact.upper()))
    return [a.pk for a in merged.addresses.all() if _place_key(a) in held]


@transaction.atomic
def citizens_merge(*, actor, survivor: Citizen, merged: Citizen, reason: str) -> MergeRecord:
    """Move everything linked to `merged` onto `survivor`; keep `merged` as a pointer."""
    if survivor.pk == merged.pk:
        raise ValueError("Choose two different records to merge.")
    survivor = Citizen.objects.select_for_update().get(pk=survivor.pk)
    merged = Citizen.objects.select_for_update().get(pk=merged.pk)
    if merged.is_merged or survivor.is_merged:
        raise ValueError("One of these records has already been merged.")
    # The survivor keeps its own current address and primary contact details; the merged
    # record's become previous/secondary so nothing is lost and the constraints hold.
    if survivor.addresses.filter(is_current=True).exists():
        merged.addresses.filter(is_current=True).update(
            is_current=False, valid_to=timezone.localdate()
        )
    # An address of the merged record that is one the survivor already has (often its current
    # one: duplicates tend to live at the same place) is not listed twice: it stays with the
    # merged record, which is kept as a pointer.
    same_places = _addresses_already_held(survivor=survivor, merged=merged)
    if survivor.emails.exists():
        merged.emails.update(is_primary=False)
    if survivor.phones.exists():
        merged.phones.update(is_primary=False)
    NotDuplicate.objects.filter(citizen_a=merged).delete()
    NotDuplicate.objects.filter(citizen_b=merged).delete()
    moved = {}
    for model, f in _relations_to_citizen():
        label = f"{model._meta.label}.{f.name}"
        if f.many_to_many:
            through = f.remote_field.through
            target = f.m2m_reverse_field_name()
            already = set(
                through.objects.filter(**{target: survivor}).values_list(
                    f.m2m_field_name(), flat=True
                )
            )
            rows = through.objects.filter(**{target: merged})
            rows.filter(**{f"{f.m2m_field_name()}__in": already}).delete()
            count = rows.update(**{target: survivor})
        elif f.one_to_one:
            if model._base_manager.filter(**{f.name: survivor}).exists():
                continue
            count = model._base_manager.filter(**{f.name: merged}).update(**{f.name: survivor})
        else:
            count = model._base_manager.filter(**{f.name: merged}).update(**{f.name: survivor})
        if count:
            moved[label] = count
    if same_places:
        Address.objects.filter(pk__in=same_places).update(citizen=merged)
        moved["citizens.Address.citizen"] = moved.get("citizens.Address.citizen", 0) - len(
            same_places
        )
        if not moved["citizens.Address.citizen"]:
            del moved["citizens.Address.citizen"]
    merged.status = Citizen.Status.MERGED
    merged.merged_into = survivor
    merged.version += 1
    merged.save(update_fields=["status", "merged_into", "version", "updated_at"])
    Citizen.objects.filter(merged_into=merged).update(merged_into=survivor)
    Citizen.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    survivor.refresh_from_db()
    record = MergeRecord.objects.create(
        survivor=survivor,
        merged=merged,
        reason=reason,
        moved=moved,
        merged_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MERGE,
        obj=survivor,
        detail={"merged": merged.reference, "reason": reason, "moved": moved},
    )
    signals.citizens_merged.send(
        sender=Citizen, instance=survivor, merged=merged, actor=actor, reason=reason
    )
    return record


@transaction.atomic
def citizen_withdraw(*, actor, citizen: Citizen, reason: str) -> None:
    """Take back a record that should not have been created (an import undone): its contact
    details and addresses are removed and it leaves search and lists; the row stays, because
    the audit trail points at it."""
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    if citizen.status != Citizen.Status.ACTIVE:
        raise ValueError(f"{citizen.reference} is not active.")
    citizen.emails.all().delete()
    citizen.phones.all().delete()
    citizen.addresses.all().delete()
    Citizen.objects.filter(pk=citizen.pk).update(
        status=Citizen.Status.WITHDRAWN, version=F("version") + 1, updated_at=timezone.now()
    )
    audit_record(
        actor=actor, action=AuditEvent.Action.CHANGE, obj=citizen, detail={"withdrawn": reason}
    )
    citizen.refresh_from_db()
    change = {
        "field": "status",
        "label": "Status",
        "old": "active",
        "new": "withdrawn",
        "sensitive": False,
    }
    signals.citizen_changed.send(sender=Citizen, instance=citizen, actor=actor, changes=[change])

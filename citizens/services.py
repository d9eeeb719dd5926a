"""Writes to the citizen register. Each service is atomic, records the change for audit and
sends the app's domain signal (citizens.signals) inside the transaction."""

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record, audit_record_many
from citizens import signals
from citizens.merge import (
    HANDLER,
    KEEP,
    MERGE_RELATIONS,
    handler_for,
    merge_plan,
    relations_to_citizen,
)
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
from citizens.normalise import (
    citizen_reference,
    name_normalise,
    phone_is_mobile,
    postcode_compact,
    search_keys_for,
)
from citizens.selectors import duplicate_candidates
from core.sequences import sequence_next, sequence_take

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
    """Create a citizen from cleaned values.

    Refuses with DuplicatesFound (carrying every candidate) when the matcher finds a record
    that is probably or almost certainly this person, unless `confirm_new` with a reason.
    Weaker ("possible") matches do not block; they are returned on `.possible_duplicates`.
    """
    candidates = [] if confirm_new else duplicate_candidates(**data)
    if any(c.match.blocks_creation for c in candidates):
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
    # "Possibly the same person" does not block: the caller shows these after saving.
    citizen.possible_duplicates = candidates
    return citizen


@transaction.atomic
def citizens_create_many(*, actor, items: list[tuple[dict, str]]) -> list[Citizen]:
    """Create many citizens at once (bulk import), each as `citizen_create(confirm_new=True)`
    would: `items` are (cleaned values, reason it is a new person). No duplicate check (the
    caller has matched them); one insert per table, one audit row each, and one
    `citizens_created` signal for the lot. Returns the citizens in the order given.
    """
    if not items:
        return []
    numbers = sequence_take(name="citizen", count=len(items))
    created_by = actor if actor is not None and actor.is_authenticated else None
    citizens = []
    for number, (data, reason) in zip(numbers, items, strict=True):
        citizen = Citizen(
            reference=citizen_reference(number),
            created_by=created_by,
            new_person_reason=reason,
            **{k: data.get(k) or ("" if k != "date_of_birth" else None) for k in PERSON_FIELDS},
        )
        if not citizen.preferred_language:
            citizen.preferred_language = "English"
        _set_search_fields(citizen)
        citizens.append(citizen)
    Citizen.objects.bulk_create(citizens)
    today, now = timezone.localdate(), timezone.now()
    addresses, emails, phones = [], [], []
    for citizen, (data, _reason) in zip(citizens, items, strict=True):
        if data.get("address_line_1") or data.get("postcode"):
            addresses.append(
                Address(
                    citizen=citizen,
                    is_current=True,
                    valid_from=today,
                    line_1=data.get("address_line_1", ""),
                    line_2=data.get("address_line_2", ""),
                    town=data.get("town", ""),
                    postcode=data.get("postcode", ""),
                    postcode_compact=postcode_compact(data.get("postcode", "")),
                    uprn=data.get("uprn", ""),
                )
            )
        if data.get("email"):
            emails.append(
                EmailAddress(
                    citizen=citizen, email=data["email"], is_primary=True, confirmed_at=now
                )
            )
        if data.get("phone"):
            kind = (
                PhoneNumber.Kind.MOBILE
                if phone_is_mobile(data["phone"])
                else PhoneNumber.Kind.LANDLINE
            )
            phones.append(
                PhoneNumber(
                    citizen=citizen,
                    number=data["phone"],
                    kind=kind,
                    is_primary=True,
                    confirmed_at=now,
                )
            )
    Address.objects.bulk_create(addresses)
    EmailAddress.objects.bulk_create(emails)
    PhoneNumber.objects.bulk_create(phones)
    audit_record_many(actor=actor, action=AuditEvent.Action.CREATE, objs=citizens)
    signals.citizens_created.send(sender=Citizen, instances=citizens, actor=actor)
    return citizens


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


def _staff(actor):
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def not_duplicate_record(*, actor, citizen_a, citizen_b, reason) -> NotDuplicate:
    """Remember that two records are different people: the pair is never suggested again."""
    a, b = sorted([citizen_a, citizen_b], key=lambda c: c.pk)
    decision, _ = NotDuplicate.objects.get_or_create(
        citizen_a=a,
        citizen_b=b,
        defaults={"reason": reason, "decided_by": _staff(actor)},
    )
    DuplicatePair.objects.filter(citizen_a=a, citizen_b=b).update(
        status=DuplicatePair.Status.DIFFERENT, decided_at=timezone.now(), decided_by=_staff(actor)
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        obj=a,
        detail={"not_duplicate_of": b.reference, "reason": reason},
    )
    return decision


def duplicate_review_start(*, actor):
    """Start a register-wide duplicate review now (None if one is already running)."""
    from citizens.matching.review import review_start
    from citizens.tasks import duplicate_review

    run = review_start(force=True)
    if run is not None:
        audit_record(
            actor=actor, action=AuditEvent.Action.CHANGE, detail={"duplicate_review": run.pk}
        )
        transaction.on_commit(lambda: duplicate_review.delay())
    return run


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
    """Move everything linked to `merged` onto `survivor`; keep `merged` as a pointer.

    The MergeRecord keeps, in `undo`, the id of every row moved and every flag changed, so
    `citizens_unmerge` can give the absorbed record back exactly what was its own.
    """
    if survivor.pk == merged.pk:
        raise ValueError("Choose two different records to merge.")
    survivor = Citizen.objects.select_for_update().get(pk=survivor.pk)
    merged = Citizen.objects.select_for_update().get(pk=merged.pk)
    if merged.is_merged or survivor.is_merged:
        raise ValueError("One of these records has already been merged.")
    plan = merge_plan()  # refuses before anything is written when a relation is not listed
    undo = {"moved": {}, "m2m_dropped": {}, "addresses": [], "emails": [], "phones": []}
    # The survivor keeps its own current address and primary contact details; the merged
    # record's become previous/secondary so nothing is lost and the constraints hold.
    if survivor.addresses.filter(is_current=True).exists():
        current = merged.addresses.filter(is_current=True)
        undo["addresses"] = list(current.values_list("id", flat=True))
        current.update(is_current=False, valid_to=timezone.localdate())
    # An address of the merged record that is one the survivor already has (often its current
    # one: duplicates tend to live at the same place) is not listed twice: it stays with the
    # merged record, which is kept as a pointer.
    same_places = _addresses_already_held(survivor=survivor, merged=merged)
    if survivor.emails.exists():
        primary = merged.emails.filter(is_primary=True)
        undo["emails"] = list(primary.values_list("id", flat=True))
        primary.update(is_primary=False)
    if survivor.phones.exists():
        primary = merged.phones.filter(is_primary=True)
        undo["phones"] = list(primary.values_list("id", flat=True))
        primary.update(is_primary=False)
    decided = NotDuplicate.objects.filter(Q(citizen_a=merged) | Q(citizen_b=merged))
    undo["not_duplicates"] = [
        [a, b, why, by]
        for a, b, why, by in decided.values_list(
            "citizen_a_id", "citizen_b_id", "reason", "decided_by_id"
        )
    ]
    decided.delete()
    lo, hi = sorted([survivor.pk, merged.pk])
    DuplicatePair.objects.filter(citizen_a_id=lo, citizen_b_id=hi).update(
        status=DuplicatePair.Status.MERGED, decided_at=timezone.now(), decided_by=_staff(actor)
    )
    # Other open pairs of the absorbed record are found again (on the survivor) by the next run.
    DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN).filter(
        Q(citizen_a=merged) | Q(citizen_b=merged)
    ).delete()
    moved = {}
    for label, rule, model, f in plan:
        if rule == KEEP:
            continue
        if rule == HANDLER:
            ids = list(handler_for(label).move(survivor=survivor, merged=merged))
            count = len(ids)
        elif f.many_to_many:
            through = f.remote_field.through
            target = f.m2m_reverse_field_name()
            source = f.m2m_field_name()
            already = set(
                through.objects.filter(**{target: survivor}).values_list(source, flat=True)
            )
            rows = through.objects.filter(**{target: merged})
            dropped = rows.filter(**{f"{source}__in": already})
            dropped_ids = list(dropped.values_list(source, flat=True))
            dropped.delete()
            ids = list(rows.values_list("pk", flat=True))
            count = through.objects.filter(pk__in=ids).update(**{target: survivor})
            if dropped_ids:
                undo["m2m_dropped"][label] = dropped_ids
        elif f.one_to_one:
            if model._base_manager.filter(**{f.name: survivor}).exists():
                continue
            ids = list(model._base_manager.filter(**{f.name: merged}).values_list("pk", flat=True))
            count = model._base_manager.filter(pk__in=ids).update(**{f.name: survivor})
        else:
            ids = list(model._base_manager.filter(**{f.name: merged}).values_list("pk", flat=True))
            count = model._base_manager.filter(pk__in=ids).update(**{f.name: survivor})
        if count:
            moved[label] = count
            undo["moved"][label] = ids
    if same_places:
        Address.objects.filter(pk__in=same_places).update(citizen=merged)
        label = "citizens.Address.citizen"
        moved[label] = moved.get(label, 0) - len(same_places)
        undo["moved"][label] = [i for i in undo["moved"].get(label, []) if i not in same_places]
        if not moved[label]:
            del moved[label]
            del undo["moved"][label]
    merged.status = Citizen.Status.MERGED
    merged.merged_into = survivor
    merged.version += 1
    merged.save(update_fields=["status", "merged_into", "version", "updated_at"])
    pointers = Citizen.objects.filter(merged_into=merged)
    undo["pointers"] = list(pointers.values_list("id", flat=True))
    pointers.update(merged_into=survivor)
    Citizen.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    survivor.refresh_from_db()
    record = MergeRecord.objects.create(
        survivor=survivor,
        merged=merged,
        reason=reason,
        moved=moved,
        undo=undo,
        merged_by=_staff(actor),
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


class UnmergeRefused(Exception):
    """A merge that cannot be undone, with the reason in plain words."""


def unmerge_refusal(record: MergeRecord) -> str:
    """Why this merge cannot be undone now, or "" if it can."""
    if record.unmerged_at:
        return "This merge has already been undone."
    if not record.undo:
        return "This merge was made before merges could be undone; separate the records by hand."
    if record.survivor.is_merged:
        return (
            f"The kept record has since been merged into another: undo that merge first "
            f"({record.survivor.reference})."
        )
    if record.merged.merged_into_id != record.survivor_id or not record.merged.is_merged:
        return "The absorbed record has changed since this merge."
    return ""


@transaction.atomic
def citizens_unmerge(*, actor, record: MergeRecord, reason: str) -> Citizen:
    """Undo a wrong merge: the absorbed record is active again with what belonged to it.

    Every row the merge moved (as recorded at merge time) goes back to the absorbed record
    if it is still on the survivor; rows added to the survivor since stay there. Flags the
    merge changed are restored and the pair is remembered as different people.
    """
    record = MergeRecord.objects.select_for_update().get(pk=record.pk)
    survivor = Citizen.objects.select_for_update().get(pk=record.survivor_id)
    merged = Citizen.objects.select_for_update().get(pk=record.merged_id)
    record.survivor, record.merged = survivor, merged
    refusal = unmerge_refusal(record)
    if refusal:
        raise UnmergeRefused(refusal)
    undo = record.undo
    relations = {label: (m, f) for label, m, f in relations_to_citizen()}
    returned = {}
    for label, ids in undo.get("moved", {}).items():
        if label not in relations:
            raise UnmergeRefused(f"Rows of {label} were moved but that relation no longer exists.")
        model, f = relations[label]
        if MERGE_RELATIONS.get(label) == HANDLER:
            count = handler_for(label).move_back(survivor=survivor, merged=merged, ids=ids)
        elif f.many_to_many:
            through = f.remote_field.through
            target = f.m2m_reverse_field_name()
            count = through.objects.filter(pk__in=ids, **{target: survivor}).update(
                **{target: merged}
            )
        else:
            count = model._base_manager.filter(pk__in=ids, **{f.name: survivor}).update(
                **{f.name: merged}
            )
        returned[label] = count
    for label, others in undo.get("m2m_dropped", {}).items():
        model, f = relations[label]
        through = f.remote_field.through
        source, target = f.m2m_field_name(), f.m2m_reverse_field_name()
        through.objects.bulk_create(
            [through(**{f"{source}_id": o, f"{target}_id": merged.pk}) for o in others]
        )
    if undo.get("addresses") and not merged.addresses.filter(is_current=True).exists():
        Address.objects.filter(pk__in=undo["addresses"], citizen=merged).update(
            is_current=True, valid_to=None
        )
    EmailAddress.objects.filter(pk__in=undo.get("emails", []), citizen=merged).update(
        is_primary=True
    )
    PhoneNumber.objects.filter(pk__in=undo.get("phones", []), citizen=merged).update(
        is_primary=True
    )
    Citizen.objects.filter(pk__in=undo.get("pointers", []), merged_into=survivor).update(
        merged_into=merged
    )
    for a, b, why, by in undo.get("not_duplicates", []):
        NotDuplicate.objects.get_or_create(
            citizen_a_id=a, citizen_b_id=b, defaults={"reason": why, "decided_by_id": by}
        )
    merged.status = Citizen.Status.ACTIVE
    merged.merged_into = None
    merged.version += 1
    merged.save(update_fields=["status", "merged_into", "version", "updated_at"])
    Citizen.objects.filter(pk=survivor.pk).update(version=F("version") + 1)
    # A wrong merge means two people: remember it so the pair is not suggested again.
    lo, hi = sorted([survivor, merged], key=lambda c: c.pk)
    NotDuplicate.objects.get_or_create(
        citizen_a=lo,
        citizen_b=hi,
        defaults={"reason": f"Merge undone: {reason}"[:255], "decided_by": _staff(actor)},
    )
    DuplicatePair.objects.filter(citizen_a=lo, citizen_b=hi).update(
        status=DuplicatePair.Status.DIFFERENT, decided_at=timezone.now(), decided_by=_staff(actor)
    )
    record.unmerged_at = timezone.now()
    record.unmerged_by = _staff(actor)
    record.unmerge_reason = reason
    record.save(update_fields=["unmerged_at", "unmerged_by", "unmerge_reason"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UNMERGE,
        obj=merged,
        detail={"from": survivor.reference, "reason": reason, "returned": returned},
    )
    signals.citizens_unmerged.send(
        sender=Citizen, instance=merged, survivor=survivor, actor=actor, reason=reason
    )
    return merged


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
